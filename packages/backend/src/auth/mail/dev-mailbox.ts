import { randomUUID } from "node:crypto";
import { isOptionalObject } from "../../shared/arguments.js";
import { env } from "../../shared/env.js";
import { ConfigError } from "../../shared/errors.js";
import type { EmailMessage, SendEmail } from "./templates.js";

/** One mail a {@link DevMailbox} kept. */
export interface DevMailboxMessage extends EmailMessage {
  /** Random id, for keys in a list. */
  id: string;
  sentAt: Date;
  /** Every http(s) URL in the text body, in order: the one-time link is among them. */
  links: string[];
}

/** Options of {@link createDevMailbox}. */
export interface DevMailboxOptions {
  /**
   * How many messages to keep (the oldest go first).
   * @default 50
   */
  limit?: number;
  /**
   * Print each mail's recipient, subject and links to the server console.
   * @default true
   */
  log?: boolean;
  /**
   * Mailboxes with the same name share their messages (through `globalThis`, so every module
   * instance of the dev server sees the same list).
   * @default "default"
   */
  name?: string;
}

/** A development mailbox: a `sendEmail` that keeps mails in memory for a dev-only page. */
export interface DevMailbox {
  /** Pass it as `createAuth({ sendEmail })`. */
  sendEmail: SendEmail;
  /** The kept mails, newest first. */
  messages(): DevMailboxMessage[];
  /** The newest mail to `to` (normalised the same way), or the newest of all without `to`. */
  latest(to?: string): DevMailboxMessage | undefined;
  /** Forgets every kept mail. */
  clear(): void;
}

const MAILBOXES = Symbol.for("@tetrastack/backend/dev-mailboxes");
const LINK = /https?:\/\/[^\s<>"']+/g;

function mailboxes(): Map<string, DevMailboxMessage[]> {
  const global = globalThis as { [MAILBOXES]?: Map<string, DevMailboxMessage[]> };
  global[MAILBOXES] ??= new Map();
  return global[MAILBOXES];
}

/** @internal Prints one mail as the dev mailbox does. */
export function logEmail(message: EmailMessage, links: readonly string[]): void {
  const lines = [`[@tetrastack/backend/auth] mail to ${message.to}: ${message.subject}`, ...links.map((l) => `  ${l}`)];
  console.info(lines.join("\n"));
}

/**
 * A `sendEmail` for development that logs each mail to the console and keeps the last `limit`
 * in memory, for a dev-only mailbox page. Refused in production (ConfigError): there, pass a
 * real sender. Without any `sendEmail`, `createAuth` uses the default mailbox outside production.
 *
 * @example
 * export const mailbox = createDevMailbox()
 * createAuth({ db, sendEmail: process.env.NODE_ENV === "production" ? sendWithResend : mailbox.sendEmail })
 * // app/dev/mailbox/page.tsx: if (process.env.NODE_ENV === "production") notFound(); mailbox.messages()
 */
export function createDevMailbox(options: DevMailboxOptions = {}): DevMailbox {
  if (!isOptionalObject(options)) {
    throw new ConfigError("createDevMailbox: invalid options: must be an object", {
      issues: [{ path: "", message: "must be an object" }],
    });
  }
  if (env.isProduction()) {
    throw new ConfigError(
      "createDevMailbox: a development mailbox keeps mails instead of sending them; pass a real sendEmail in production.",
    );
  }
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigError("createDevMailbox: invalid options: limit: must be a positive integer", {
      issues: [{ path: "limit", message: "must be a positive integer" }],
    });
  }
  const name = options.name ?? "default";
  const log = options.log ?? true;
  const list = (): DevMailboxMessage[] => {
    const all = mailboxes();
    let messages = all.get(name);
    if (!messages) {
      messages = [];
      all.set(name, messages);
    }
    return messages;
  };
  return {
    sendEmail(message) {
      const links = [...message.text.matchAll(LINK)].map((match) => match[0]);
      const messages = list();
      messages.unshift({ ...message, id: randomUUID(), sentAt: new Date(), links });
      messages.splice(limit);
      if (log) logEmail(message, links);
    },
    messages: () => [...list()],
    latest(to) {
      const wanted = to?.normalize("NFKC").trim().toLowerCase();
      return list().find((message) => wanted === undefined || message.to === wanted);
    },
    clear() {
      list().length = 0;
    },
  };
}

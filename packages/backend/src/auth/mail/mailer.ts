import { env } from "../../shared/env.js";
import { MailNotConfiguredError } from "../../shared/errors.js";
import { createDevMailbox } from "./dev-mailbox.js";
import type { EmailMessage, EmailTemplate, LinkEmailParams, SendEmail } from "./templates.js";

/** @internal Sends the flows' mail, or refuses when none can be sent. */
export interface Mailer {
  /** Throws MailNotConfiguredError when mail is off; call it before any other work. */
  assertAvailable(flow: string): void;
  send(message: EmailMessage): Promise<void>;
}

/** @internal `sendEmail` as configured, else the default dev mailbox outside production. */
export function createMailer(sendEmail: SendEmail | false | undefined): Mailer {
  let deliver: SendEmail | null = null;
  if (typeof sendEmail === "function") deliver = sendEmail;
  else if (sendEmail === undefined && !env.isProduction()) deliver = createDevMailbox().sendEmail;
  const assertAvailable = (flow: string): void => {
    if (deliver) return;
    throw new MailNotConfiguredError(
      sendEmail === false
        ? `${flow} sends mail, but createAuth was given sendEmail: false.`
        : `${flow} sends mail: pass sendEmail to createAuth (only development logs mails to the console).`,
    );
  };
  return {
    assertAvailable,
    async send(message) {
      assertAvailable("This flow");
      await deliver?.(message);
    },
  };
}

/** @internal Where links in mails point, and the one way a flow mails one. */
export interface LinkMailer {
  /** The absolute URL of one of your pages with `?token=…`, on `baseURL` (never the Host header). */
  link(path: string, token: string): string;
  /** The app's name as the default mails say it. */
  readonly appName: string;
  /** The origin links point at. */
  readonly origin: string;
  /** Builds a link mail from `template` and sends it to `to`. */
  sendLink(
    template: EmailTemplate<LinkEmailParams>,
    to: string,
    path: string,
    issued: { token: string; expires: Date },
  ): Promise<void>;
}

/** @internal */
export function createLinkMailer(mailer: Mailer, baseURL: string, appName: string): LinkMailer {
  const link = (path: string, token: string): string => {
    const url = new URL(`${baseURL}${path}`);
    url.searchParams.set("token", token);
    return url.toString();
  };
  return {
    link,
    appName,
    origin: new URL(baseURL).origin,
    async sendLink(template, to, path, issued) {
      const content = await template({ to, url: link(path, issued.token), expires: issued.expires, appName });
      await mailer.send({ to, ...content });
    },
  };
}

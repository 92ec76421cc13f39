import { appendFile, readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** One email, as `createAuth`'s `sendEmail` receives it. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A mail kept by the development mailbox. */
export interface StoredMail extends Mail {
  id: string;
  sentAt: string;
}

/**
 * The development mailbox: on under `next dev`, and under `next start` only with DEV_MAILBOX=1
 * (the browser tests use it). Mail is then printed to the console and kept for /dev/mailbox.
 */
export function devMailboxEnabled(): boolean {
  return process.env.NODE_ENV !== "production" || process.env.DEV_MAILBOX === "1";
}

function mailboxFile(): string {
  return resolve(/*turbopackIgnore: true*/ process.env.DEV_MAILBOX_FILE || ".dev-mailbox.jsonl");
}

async function sendToDevMailbox(mail: Mail): Promise<void> {
  const stored: StoredMail = { id: crypto.randomUUID(), sentAt: new Date().toISOString(), ...mail };
  await appendFile(mailboxFile(), `${JSON.stringify(stored)}\n`);
  console.log(`\n[mail] to ${mail.to}: ${mail.subject}\n${mail.text}\n`);
}

/**
 * What `createAuth` mails with. This example ships no mail provider: with the dev mailbox on, mail
 * is printed and kept for /dev/mailbox; otherwise `false` (production without mail, said
 * explicitly: `createAuth` refuses to start when `sendEmail` is left out in production), and the
 * package's mail flows answer `MAIL_NOT_CONFIGURED`. Return your provider's sender (Resend, SES, SMTP…) here.
 */
export const sendEmail: ((mail: Mail) => Promise<void>) | false = devMailboxEnabled() ? sendToDevMailbox : false;

/** The development mailbox, newest first. */
export async function readMailbox(): Promise<StoredMail[]> {
  const content = await readFile(mailboxFile(), "utf8").catch(() => "");
  return content
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StoredMail)
    .reverse();
}

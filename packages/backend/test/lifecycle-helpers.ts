import { expect } from "vitest";
import type { Auth, AuthOptions, EmailMessage, SendEmail } from "../src/auth/index.js";
import { Browser, createTestAuth, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { inRequest, requestScope, type ScopeCookie } from "./auth-next-request.js";

/** A mail as the capturing `sendEmail` recorded it, with the links found in its text body. */
export interface CapturedMail extends EmailMessage {
  links: string[];
}

/**
 * The mail provider, mocked: the one thing these tests replace. It records every message instead
 * of delivering it, so a test can take the link out of the mail as a user would.
 */
export function captureMail(): {
  sendEmail: SendEmail;
  sent: CapturedMail[];
  /** Mails to `to`, oldest first. */
  to(to: string): CapturedMail[];
  /** The newest mail to `to`; fails the test when there is none. */
  last(to: string): CapturedMail;
  /** The one-time link in the newest mail to `to`. */
  link(to: string): URL;
  /** The `token` of that link. */
  token(to: string): string;
} {
  const sent: CapturedMail[] = [];
  const to = (address: string) => sent.filter((mail) => mail.to === address);
  const last = (address: string): CapturedMail => {
    const mail = to(address).at(-1);
    expect(mail, `a mail to ${address}`).toBeDefined();
    return mail as CapturedMail;
  };
  const link = (address: string): URL => {
    const found = last(address).links.find((url) => url.includes("token="));
    expect(found, `a link in the mail to ${address}`).toBeDefined();
    return new URL(found as string);
  };
  return {
    sendEmail: async (message) => {
      sent.push({ ...message, links: [...message.text.matchAll(/https?:\/\/\S+/g)].map((match) => match[0]) });
    },
    sent,
    to,
    last,
    link,
    token: (address) => link(address).searchParams.get("token") ?? "",
  };
}

/** A distinct client address per call, so rate limits of one test never touch another. */
let ipCounter = 0;
export function nextIP(): string {
  ipCounter++;
  return `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

/** `createAuth` over a fresh libSQL file database, mailing into a capture. */
export async function createLifecycleAuth(options: Partial<AuthOptions> = {}) {
  const mail = captureMail();
  const t = await createTestAuth({ sendEmail: mail.sendEmail, baseURL: ORIGIN, appName: "Tetra Test", ...options });
  return { ...t, mail };
}

/** Registers a user and signs them in through the real Auth.js credentials route. */
export async function signedIn(
  auth: Auth,
  email: string,
  password = PASSWORD,
): Promise<{ userId: string; browser: Browser }> {
  const userId = await register(auth, email, password);
  const browser = await signIn(auth, email, password);
  return { userId, browser };
}

/** Signs in an existing user through the real Auth.js credentials route. */
export async function signIn(auth: Auth, email: string, password = PASSWORD): Promise<Browser> {
  const browser = new Browser(auth, nextIP());
  const response = await browser.signIn(email, password);
  expect(response.headers.get("location")).toBe(`${ORIGIN}/dashboard`);
  expect(browser.sessionToken).toBeDefined();
  return browser;
}

/**
 * Runs `fn` as a Server Action of this browser (its cookies, its address), or of an anonymous
 * visitor when `browser` is null. Cookies the action sets or deletes land back in the browser.
 */
export async function action<T>(browser: Browser | null, fn: () => Promise<T>): Promise<T> {
  const jar = new Map<string, ScopeCookie>();
  for (const [name, value] of browser?.cookies ?? []) jar.set(name, { value, options: {} });
  try {
    return await inRequest(requestScope(jar, browser?.ip ?? nextIP()), fn);
  } finally {
    if (browser) {
      browser.cookies.clear();
      for (const [name, { value }] of jar) browser.cookies.set(name, value);
    }
  }
}

/** The user of the browser's session, as `/api/auth/session` returns it, or undefined. */
export async function sessionUser(browser: Browser): Promise<{ id: string; email: string } | undefined> {
  const session = await browser.session();
  return session?.user as { id: string; email: string } | undefined;
}

/** What a promise rejected with (fails the test if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; status?: number }> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  expect(outcome).toHaveProperty("error");
  return (outcome as { error: Error & { code?: string } }).error;
}

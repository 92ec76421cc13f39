// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, errorCodeOf, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { sessions, users, verificationTokens } from "./engines/tables.js";
import {
  action,
  type captureMail,
  createLifecycleAuth,
  nextIP,
  rejection,
  sessionUser,
  signIn,
} from "./lifecycle-helpers.js";

// Sign-in by email link end to end: the link is taken from the captured mail and opened against
// the real Auth.js route handler (/api/auth/callback/email), which consumes the token through the
// adapter and sets the session cookie. Only the mail provider is mocked (captureMail).

const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

/** The target of Next's redirect, from the error `redirect()` throws. */
function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && digest.startsWith("NEXT_REDIRECT") ? (digest.split(";")[2] ?? null) : null;
}

/** Opens a mailed link in a browser, through the Auth.js route handler. */
async function open(browser: Browser, link: URL): Promise<Response> {
  expect(link.origin).toBe(ORIGIN);
  expect(link.pathname).toBe("/api/auth/callback/email");
  return browser.request("GET", `${link.pathname}${link.search}`);
}

describe("sign-in by email link", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({
      emailSignIn: { enabled: true },
      callbacks: { signIn: ({ user }) => !user.email?.endsWith("@blocked.example") },
    }));
  });
  afterAll(() => cleanup());

  it("creates the user on first use, verified, and signs them in with a database session", async () => {
    expect(
      await action(null, () => auth.sendSignInLink(" New.User@Example.com", { redirectTo: "/welcome" })),
    ).toBeUndefined();
    const message = mail.last("new.user@example.com");
    expect(message.subject).toBe("Sign in to Tetra Test");
    const link = mail.link("new.user@example.com");
    expect(link.searchParams.get("callbackUrl")).toBe(`${ORIGIN}/welcome`);

    const browser = new Browser(auth, nextIP());
    const response = await open(browser, link);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/welcome`);
    expect((await sessionUser(browser))?.email).toBe("new.user@example.com");
    const [user] = await db.select().from(users).where(eq(users.email, "new.user@example.com"));
    expect(user?.emailVerified).toBeInstanceOf(Date);
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, user?.id ?? "")),
    ).toHaveLength(1);

    // Single use: the same link again is Auth.js's Verification error.
    const again = await open(new Browser(auth, nextIP()), link);
    expect(new URL(again.headers.get("location") ?? "").searchParams.get("error")).toBe("Verification");
  });

  it("works through Auth.js's own signIn('email') from a server action, with links on baseURL", async () => {
    const userId = await register(auth, "action@example.com");
    const thrown = await action(null, () =>
      auth.signIn("email", form({ email: "Action@Example.com", redirectTo: "/inbox" })),
    ).catch((error: unknown) => error);
    expect(redirectTarget(thrown)).toBe(`${ORIGIN}/api/auth/verify-request?provider=email&type=email`);
    const link = mail.link("action@example.com");
    const [row] = await db
      .select()
      .from(verificationTokens)
      .where(eq(verificationTokens.identifier, "action@example.com"));
    expect(row).toMatchObject({ purpose: "sign-in", token: sha256(link.searchParams.get("token") ?? "") });
    expect(((row?.expires.getTime() ?? 0) - Date.now()) / 1000).toBeLessThanOrEqual(600);

    const browser = new Browser(auth, nextIP());
    expect((await open(browser, link)).headers.get("location")).toBe(`${ORIGIN}/inbox`);
    expect((await sessionUser(browser))?.id).toBe(userId);
  });

  it("lets exactly one of two simultaneous clicks sign in", async () => {
    const userId = await register(auth, "double@example.com");
    await action(null, () => auth.sendSignInLink("double@example.com"));
    const link = mail.link("double@example.com");
    const [a, b] = [new Browser(auth, nextIP()), new Browser(auth, nextIP())];
    const responses = await Promise.all([open(a, link), open(b, link)]);
    const errors = responses.map((r) => new URL(r.headers.get("location") ?? "").searchParams.get("error"));
    expect(errors.sort()).toEqual(["Verification", null]);
    expect([a.sessionToken, b.sessionToken].filter(Boolean)).toHaveLength(1);
    expect(await db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(1);
  });

  it("refuses an expired link, and tokens of other flows at the callback", async () => {
    await register(auth, "expired@example.com");
    await action(null, () => auth.sendSignInLink("expired@example.com"));
    const link = mail.link("expired@example.com");
    await db
      .update(verificationTokens)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(verificationTokens.token, sha256(link.searchParams.get("token") ?? "")));
    const browser = new Browser(auth, nextIP());
    expect(new URL((await open(browser, link)).headers.get("location") ?? "").searchParams.get("error")).toBe(
      "Verification",
    );
    expect(browser.sessionToken).toBeUndefined();

    // A password-reset token pasted into a sign-in link signs nobody in…
    await action(null, () => auth.requestPasswordReset("expired@example.com"));
    const reset = mail.token("expired@example.com");
    const forged = new URL(link);
    forged.searchParams.set("token", reset);
    expect(new URL((await open(browser, forged)).headers.get("location") ?? "").searchParams.get("error")).toBe(
      "Verification",
    );
    // …and stays valid for its own flow, while a sign-in token is refused there.
    await action(null, () => auth.sendSignInLink("expired@example.com"));
    const signInToken = mail.token("expired@example.com");
    expect((await rejection(action(null, () => auth.resetPassword(signInToken, "a new passphrase here")))).code).toBe(
      "TOKEN_INVALID",
    );
    await action(null, () => auth.resetPassword(reset, "a new passphrase here"));
  });

  it("takes an unverified account back from whoever set its password", async () => {
    // Someone registers the victim's address with their own password and signs in.
    const userId = await register(auth, "victim@example.com", "attacker's password");
    const squatter = await signIn(auth, "victim@example.com", "attacker's password");
    // The owner of the mailbox signs in by link: the squatter's password and session are gone.
    await action(null, () => auth.sendSignInLink("victim@example.com"));
    const owner = new Browser(auth, nextIP());
    await open(owner, mail.link("victim@example.com"));
    expect((await sessionUser(owner))?.id).toBe(userId);
    expect(await squatter.session()).toBeNull();
    expect(errorCodeOf(await new Browser(auth, nextIP()).signIn("victim@example.com", "attacker's password"))).toBe(
      "INVALID_CREDENTIALS",
    );
  });

  it("is rate-limited per address (rateLimit.email), on both paths", async () => {
    for (let i = 0; i < 3; i++) await action(null, () => auth.sendSignInLink("flood@example.com"));
    const error = await rejection(action(null, () => auth.sendSignInLink("flood@example.com")));
    expect(error.code).toBe("RATE_LIMITED");
    const thrown = await action(null, () => auth.signIn("email", form({ email: "flood@example.com" }))).catch(
      (e: unknown) => e,
    );
    const target = new URL(redirectTarget(thrown) ?? "");
    expect(target.searchParams.get("code")).toBe("RATE_LIMITED");
    expect(mail.to("flood@example.com")).toHaveLength(3);
  });

  it("asks your signIn callback first, as Auth.js does", async () => {
    const error = await rejection(action(null, () => auth.sendSignInLink("someone@blocked.example")));
    expect(error.code).toBe("FORBIDDEN");
    expect(mail.to("someone@blocked.example")).toEqual([]);
  });

  it("mails only existing users when createUsers is false, answering the same either way", async () => {
    const t = await createLifecycleAuth({ emailSignIn: { enabled: true, createUsers: false } });
    try {
      await register(t.auth, "member@example.com");
      const member = await action(null, () => t.auth.sendSignInLink("member@example.com"));
      const stranger = await action(null, () => t.auth.sendSignInLink("stranger@example.com"));
      expect(stranger).toStrictEqual(member);
      expect(t.mail.sent.map((m) => m.to)).toEqual(["member@example.com"]);

      // Auth.js's own path: the same "check your email" page, no mail, no token, no user.
      const thrown = await action(null, () => t.auth.signIn("email", form({ email: "stranger@example.com" }))).catch(
        (e: unknown) => e,
      );
      expect(redirectTarget(thrown)).toBe(`${ORIGIN}/api/auth/verify-request?provider=email&type=email`);
      expect(t.mail.sent.map((m) => m.to)).toEqual(["member@example.com"]);
      expect(
        await t.db.select().from(verificationTokens).where(eq(verificationTokens.identifier, "stranger@example.com")),
      ).toEqual([]);
      expect(await t.db.select().from(users).where(eq(users.email, "stranger@example.com"))).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it("signs in an account that required verification, verifying it (its unproven password is dropped)", async () => {
    const t = await createLifecycleAuth({ emailSignIn: { enabled: true }, emailVerification: { required: true } });
    try {
      const userId = await register(t.auth, "both@example.com");
      expect(errorCodeOf(await new Browser(t.auth, nextIP()).signIn("both@example.com", PASSWORD))).toBe(
        "EMAIL_NOT_VERIFIED",
      );
      await action(null, () => t.auth.sendSignInLink("both@example.com"));
      const links = t.mail.to("both@example.com").at(-1)?.links ?? [];
      const browser = new Browser(t.auth, nextIP());
      await open(browser, new URL(links.find((l) => l.includes("/callback/email")) ?? ""));
      expect((await sessionUser(browser))?.id).toBe(userId);
      expect((await t.db.select().from(users).where(eq(users.id, userId)))[0]?.emailVerified).toBeInstanceOf(Date);
      // Whoever set that password never proved the address: it could have been a squatter's.
      expect(errorCodeOf(await new Browser(t.auth, nextIP()).signIn("both@example.com", PASSWORD))).toBe(
        "INVALID_CREDENTIALS",
      );
    } finally {
      t.cleanup();
    }
  });

  it("is off unless enabled", async () => {
    const t = await createLifecycleAuth();
    try {
      const error = await rejection(action(null, () => t.auth.sendSignInLink("x@example.com")));
      expect(error.code).toBe("CONFIG_INVALID");
      expect(t.mail.sent).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});

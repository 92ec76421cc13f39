// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq } from "drizzle-orm";
import { redirect, unstable_rethrow } from "next/navigation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Auth, getSignInError, isTetrastackError, type ValidationError } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, errorCodeOf, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { sessions, users } from "./engines/tables.js";
import {
  action,
  type captureMail,
  createLifecycleAuth,
  nextIP,
  rejection,
  sessionUser,
  signedIn,
  signIn,
} from "./lifecycle-helpers.js";

// Every flow runs for real: createAuth on a migrated libSQL file database, sign-in through the
// Auth.js route handlers, flows called as Server Actions. Only the mail provider is mocked
// (captureMail records the messages); every link is taken out of the captured mail.

const NEW_PASSWORD = "a brand new passphrase";

async function userRow(db: Database, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("email verification", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({ emailVerification: { required: true } }));
  });
  afterAll(() => cleanup());

  it("mails a link on sign-up, blocks credentials sign-in until it is opened, and verifying sets emailVerified", async () => {
    const userId = await register(auth, "vera@example.com");
    const link = mail.link("vera@example.com");
    expect(`${link.origin}${link.pathname}`).toBe(`${ORIGIN}/verify-email`);
    expect(mail.last("vera@example.com").subject).toBe("Verify your email for Tetra Test");

    // The right password over HTTP: Auth.js's redirect carries the typed code.
    const browser = new Browser(auth, nextIP());
    expect(errorCodeOf(await browser.signIn("vera@example.com", PASSWORD))).toBe("EMAIL_NOT_VERIFIED");
    expect(browser.sessionToken).toBeUndefined();
    // A wrong password says nothing about verification.
    expect(errorCodeOf(await browser.signIn("vera@example.com", "wrong password!"))).toBe("INVALID_CREDENTIALS");

    // The same from a Server Action, as the README's login action maps it.
    const failure = await action(null, async () => {
      try {
        await auth.signIn("credentials", form({ email: "vera@example.com", password: PASSWORD }));
        return null;
      } catch (error) {
        unstable_rethrow(error);
        return getSignInError(error);
      }
    });
    expect(failure).toEqual({ code: "EMAIL_NOT_VERIFIED" });
    expect(await db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);

    // From a browser that is not signed in, the link alone proves the mailbox but not who chose
    // the password: it asks for the password too, and stays usable until then.
    const token = link.searchParams.get("token") ?? "";
    expect((await rejection(action(null, () => auth.verifyEmail(token)))).code).toBe("REAUTHENTICATION_REQUIRED");
    const result = await action(null, () => auth.verifyEmail(token, { password: PASSWORD }));
    expect(result).toEqual({ userId, email: "vera@example.com" });
    expect((await userRow(db, userId))?.emailVerified).toBeInstanceOf(Date);
    await signIn(auth, "vera@example.com");
  });

  it("resends only to an unverified account, answers the same for any address, and is rate-limited", async () => {
    await register(auth, "resend@example.com");
    const first = mail.token("resend@example.com");
    const visitor = new Browser(auth, nextIP());

    const answers = [];
    for (const email of ["resend@example.com", "nobody@example.com", "vera@example.com"]) {
      answers.push(await action(visitor, () => auth.requestEmailVerification(email)));
    }
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect(mail.to("resend@example.com")).toHaveLength(2); // sign-up + resend
    expect(mail.to("nobody@example.com")).toHaveLength(0);
    expect(mail.to("vera@example.com")).toHaveLength(1); // already verified: only its sign-up mail

    // Only the newest link works.
    expect((await rejection(action(null, () => auth.verifyEmail(first)))).code).toBe("TOKEN_INVALID");

    // rateLimit.email: 3 per address per 15 minutes, from any address.
    await action(new Browser(auth, nextIP()), () => auth.requestEmailVerification("resend@example.com"));
    await action(new Browser(auth, nextIP()), () => auth.requestEmailVerification("resend@example.com"));
    const limited = await rejection(
      action(new Browser(auth, nextIP()), () => auth.requestEmailVerification("resend@example.com")),
    );
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.status).toBe(429);
    expect((limited as unknown as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    expect(mail.to("resend@example.com")).toHaveLength(4);

    await action(null, () => auth.verifyEmail(mail.token("resend@example.com"), { password: PASSWORD }));
    await signIn(auth, "resend@example.com");
  });

  it("refuses a malformed email with a ValidationError naming the field", async () => {
    const error = await rejection(action(null, () => auth.requestEmailVerification("not an email")));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["email"]);
  });

  it("with enumeration-safe registration: mails the new account, not the taken address, and answers alike", async () => {
    const t = await createLifecycleAuth({
      emailVerification: { sendOnSignUp: true },
      registration: { enumerationSafe: true },
    });
    try {
      await register(t.auth, "first@example.com");
      await vi.waitFor(() => expect(t.mail.to("first@example.com")).toHaveLength(1));
      const again = await t.auth.registerUser({ email: "first@example.com", password: PASSWORD }, { ip: null });
      expect(again).toEqual({ user: null });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(t.mail.to("first@example.com")).toHaveLength(1);
    } finally {
      t.cleanup();
    }
  });

  it("sends nothing on sign-up unless asked (the default)", async () => {
    const t = await createLifecycleAuth();
    try {
      await register(t.auth, "quiet@example.com");
      expect(t.mail.sent).toEqual([]);
      await signIn(t.auth, "quiet@example.com"); // not required either
    } finally {
      t.cleanup();
    }
  });
});

describe("password reset", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({ lockout: { threshold: 3, baseSeconds: 600 } }));
  });
  afterAll(() => cleanup());

  it("mails a link, sets the new password, verifies the email and ends every session", async () => {
    const { userId, browser: laptop } = await signedIn(auth, "rita@example.com");
    const phone = await signIn(auth, "rita@example.com");

    await action(null, () => auth.requestPasswordReset("  Rita@Example.com "));
    const link = mail.link("rita@example.com");
    expect(`${link.origin}${link.pathname}`).toBe(`${ORIGIN}/reset-password`);

    const result = await action(null, () => auth.resetPassword(link.searchParams.get("token") ?? "", NEW_PASSWORD));
    expect(result).toEqual({ userId, email: "rita@example.com", revokedSessions: 2 });
    expect(await laptop.session()).toBeNull();
    expect(await phone.session()).toBeNull();
    expect((await userRow(db, userId))?.emailVerified).toBeInstanceOf(Date);

    expect(errorCodeOf(await new Browser(auth, nextIP()).signIn("rita@example.com", PASSWORD))).toBe(
      "INVALID_CREDENTIALS",
    );
    await signIn(auth, "rita@example.com", NEW_PASSWORD);
  });

  it("answers an unknown email exactly as a known one, and mails only the known one", async () => {
    await register(auth, "known@example.com");
    const before = mail.sent.length;
    const known = await action(null, () => auth.requestPasswordReset("known@example.com"));
    const unknown = await action(null, () => auth.requestPasswordReset("unknown@example.com"));
    expect(unknown).toStrictEqual(known);
    expect(mail.sent.slice(before).map((m) => m.to)).toEqual(["known@example.com"]);
  });

  it("checks the password policy before the token is spent", async () => {
    await register(auth, "policy@example.com");
    await action(null, () => auth.requestPasswordReset("policy@example.com"));
    const token = mail.token("policy@example.com");
    const error = await rejection(action(null, () => auth.resetPassword(token, "short")));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["newPassword"]);
    await action(null, () => auth.resetPassword(token, NEW_PASSWORD));
    await signIn(auth, "policy@example.com", NEW_PASSWORD);
  });

  it("lifts a sign-in lockout: the owner gets in with the new password at once", async () => {
    await register(auth, "locked@example.com");
    const attacker = new Browser(auth, nextIP());
    for (let i = 0; i < 3; i++) await attacker.signIn("locked@example.com", "guess guess guess");
    expect(errorCodeOf(await attacker.signIn("locked@example.com", PASSWORD))).toBe("ACCOUNT_LOCKED");

    await action(null, () => auth.requestPasswordReset("locked@example.com"));
    await action(null, () => auth.resetPassword(mail.token("locked@example.com"), NEW_PASSWORD));
    await signIn(auth, "locked@example.com", NEW_PASSWORD);
  });

  it("gives a user without a password (OAuth only) one", async () => {
    const [user] = await db.insert(users).values({ email: "oauth-only@example.com" }).returning();
    await action(null, () => auth.requestPasswordReset("oauth-only@example.com"));
    await action(null, () => auth.resetPassword(mail.token("oauth-only@example.com"), NEW_PASSWORD));
    const browser = await signIn(auth, "oauth-only@example.com", NEW_PASSWORD);
    expect((await sessionUser(browser))?.id).toBe(user?.id);
  });
});

describe("changePassword", () => {
  let auth: Auth;
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, cleanup } = await createLifecycleAuth());
  });
  afterAll(() => cleanup());

  it("needs the current password, keeps this session and ends the others", async () => {
    const { browser: laptop } = await signedIn(auth, "carl@example.com");
    const phone = await signIn(auth, "carl@example.com");
    const tablet = await signIn(auth, "carl@example.com");

    const wrong = await rejection(action(laptop, () => auth.changePassword("not my password", NEW_PASSWORD)));
    expect(wrong.code).toBe("INVALID_CREDENTIALS");
    expect(await phone.session()).not.toBeNull();

    const result = await action(laptop, () => auth.changePassword(PASSWORD, NEW_PASSWORD));
    expect(result).toEqual({ revokedSessions: 2 });
    expect(await laptop.session()).not.toBeNull();
    expect(await phone.session()).toBeNull();
    expect(await tablet.session()).toBeNull();
    expect(errorCodeOf(await new Browser(auth, nextIP()).signIn("carl@example.com", PASSWORD))).toBe(
      "INVALID_CREDENTIALS",
    );
    await signIn(auth, "carl@example.com", NEW_PASSWORD);
  });

  it("requires a signed-in, fresh session and a new password within the policy", async () => {
    const { userId, browser } = await signedIn(auth, "stale@example.com");
    expect((await rejection(action(null, () => auth.changePassword(PASSWORD, NEW_PASSWORD)))).code).toBe(
      "UNAUTHORIZED",
    );
    const policy = await rejection(action(browser, () => auth.changePassword(PASSWORD, "short")));
    expect((policy as ValidationError).issues.map((issue) => issue.path)).toEqual(["newPassword"]);

    // Signed in an hour ago: older than session.freshAge (10 minutes).
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.userId, userId));
    const stale = await rejection(action(browser, () => auth.changePassword(PASSWORD, NEW_PASSWORD)));
    expect(stale.code).toBe("SESSION_STALE");
    await signIn(auth, "stale@example.com", PASSWORD); // unchanged
  });

  it("counts wrong current passwords toward the sign-in lockout", async () => {
    const t = await createLifecycleAuth({ lockout: { threshold: 2, baseSeconds: 600 } });
    try {
      const { browser } = await signedIn(t.auth, "guess@example.com");
      for (let i = 0; i < 2; i++) {
        expect((await rejection(action(browser, () => t.auth.changePassword("guess guess", NEW_PASSWORD)))).code).toBe(
          "INVALID_CREDENTIALS",
        );
      }
      const locked = await rejection(action(browser, () => t.auth.changePassword(PASSWORD, NEW_PASSWORD)));
      expect(locked.code).toBe("ACCOUNT_LOCKED");
      expect(errorCodeOf(await new Browser(t.auth, nextIP()).signIn("guess@example.com", PASSWORD))).toBe(
        "ACCOUNT_LOCKED",
      );
    } finally {
      t.cleanup();
    }
  });
});

describe("email change", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth());
  });
  afterAll(() => cleanup());

  it("changes the address only once the new one is verified, tells the old one, and ends the other sessions", async () => {
    const { userId, browser: laptop } = await signedIn(auth, "old@example.com");
    const phone = await signIn(auth, "old@example.com");

    expect(
      await action(laptop, () => auth.requestEmailChange(" New@Example.com", { password: PASSWORD })),
    ).toBeUndefined();
    expect((await userRow(db, userId))?.email).toBe("old@example.com");
    const link = mail.link("new@example.com");
    expect(`${link.origin}${link.pathname}`).toBe(`${ORIGIN}/confirm-email-change`);
    expect(mail.to("old@example.com")).toEqual([]);

    const result = await action(laptop, () => auth.confirmEmailChange(link.searchParams.get("token") ?? ""));
    expect(result).toEqual({ userId, email: "new@example.com", previousEmail: "old@example.com", revokedSessions: 1 });
    const row = await userRow(db, userId);
    expect(row?.email).toBe("new@example.com");
    expect(row?.emailVerified).toBeInstanceOf(Date);

    const notice = mail.last("old@example.com");
    expect(notice.subject).toBe("Your Tetra Test email was changed");
    expect(notice.text).toContain("from old@example.com to new@example.com");
    expect(notice.links).toEqual([]); // a notice carries no link, so no secret

    expect(await laptop.session()).not.toBeNull();
    expect(await phone.session()).toBeNull();
    await signIn(auth, "new@example.com");
    expect(errorCodeOf(await new Browser(auth, nextIP()).signIn("old@example.com", PASSWORD))).toBe(
      "INVALID_CREDENTIALS",
    );
  });

  it("ends every session when confirmed from a signed-out browser", async () => {
    const { userId, browser } = await signedIn(auth, "away@example.com");
    await action(browser, () => auth.requestEmailChange("away-new@example.com", { password: PASSWORD }));
    const result = await action(null, () => auth.confirmEmailChange(mail.token("away-new@example.com")));
    expect(result).toMatchObject({ userId, revokedSessions: 1 });
    expect(await browser.session()).toBeNull();
  });

  it("answers the same for a taken address and mails nobody", async () => {
    await register(auth, "taken@example.com");
    const { browser } = await signedIn(auth, "mover@example.com");
    const before = mail.sent.length;
    expect(
      await action(browser, () => auth.requestEmailChange("taken@example.com", { password: PASSWORD })),
    ).toBeUndefined();
    expect(mail.sent.length).toBe(before);
    const same = await rejection(action(browser, () => auth.requestEmailChange("mover@example.com")));
    expect((same as ValidationError).issues).toEqual([{ path: "newEmail", message: "is already the account's email" }]);
  });

  it("refuses with CONFLICT when the address was taken after the link was sent", async () => {
    const { browser } = await signedIn(auth, "racer@example.com");
    await action(browser, () => auth.requestEmailChange("contested@example.com", { password: PASSWORD }));
    await register(auth, "contested@example.com");
    const error = await rejection(action(browser, () => auth.confirmEmailChange(mail.token("contested@example.com"))));
    expect(isTetrastackError(error, "CONFLICT")).toBe(true);
  });

  it("requires a fresh session to ask", async () => {
    const { userId, browser } = await signedIn(auth, "slow@example.com");
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.userId, userId));
    expect((await rejection(action(browser, () => auth.requestEmailChange("fast@example.com")))).code).toBe(
      "SESSION_STALE",
    );
    expect((await rejection(action(null, () => auth.requestEmailChange("fast@example.com")))).code).toBe(
      "UNAUTHORIZED",
    );
    expect(mail.to("fast@example.com")).toEqual([]);
  });
});

describe("the README's lifecycle server actions", () => {
  let auth: Auth;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, mail, cleanup } = await createLifecycleAuth());
  });
  afterAll(() => cleanup());

  // As in the README, with `@/auth` replaced by this instance.
  function actions({ requestPasswordReset, resetPassword, changePassword }: Auth) {
    async function forgot(_state: unknown, formData: FormData) {
      try {
        await requestPasswordReset(String(formData.get("email") ?? ""));
      } catch (error) {
        if (isTetrastackError(error, "RATE_LIMITED") || isTetrastackError(error, "VALIDATION_FAILED"))
          return { error: error.code };
        throw error;
      }
      return { message: "If an account uses that address, we sent it a link." };
    }
    async function reset(_state: unknown, formData: FormData) {
      try {
        await resetPassword(String(formData.get("token") ?? ""), String(formData.get("password") ?? ""));
      } catch (error) {
        if (isTetrastackError(error)) return { error: error.code };
        throw error;
      }
      redirect("/login?reset=1");
    }
    async function updatePassword(_state: unknown, formData: FormData) {
      try {
        const { revokedSessions } = await changePassword(
          String(formData.get("currentPassword") ?? ""),
          String(formData.get("newPassword") ?? ""),
        );
        return { message: `Password changed; ${revokedSessions} other session(s) signed out.` };
      } catch (error) {
        if (isTetrastackError(error)) return { error: error.code };
        throw error;
      }
    }
    return { forgot, reset, updatePassword };
  }

  it("forgot → reset → change, with codes a form can show", async () => {
    const { forgot, reset, updatePassword } = actions(auth);
    const { browser } = await signedIn(auth, "readme@example.com");
    expect(await action(null, () => forgot(undefined, form({ email: "nope" })))).toEqual({
      error: "VALIDATION_FAILED",
    });
    const sent = await action(null, () => forgot(undefined, form({ email: "readme@example.com" })));
    expect(sent).toEqual({ message: "If an account uses that address, we sent it a link." });
    expect(await action(null, () => forgot(undefined, form({ email: "ghost@example.com" })))).toEqual(sent);

    const token = mail.token("readme@example.com");
    expect(await action(null, () => reset(undefined, form({ token: "forged", password: NEW_PASSWORD })))).toEqual({
      error: "TOKEN_INVALID",
    });
    const thrown = await action(null, () => reset(undefined, form({ token, password: NEW_PASSWORD }))).catch(
      (error: unknown) => error,
    );
    expect((thrown as { digest?: string }).digest).toMatch(/^NEXT_REDIRECT;replace;\/login\?reset=1;/);
    expect(await browser.session()).toBeNull();

    const fresh = await signIn(auth, "readme@example.com", NEW_PASSWORD);
    const other = await signIn(auth, "readme@example.com", NEW_PASSWORD);
    const changed = await action(fresh, () =>
      updatePassword(undefined, form({ currentPassword: NEW_PASSWORD, newPassword: "third passphrase here" })),
    );
    expect(changed).toEqual({ message: "Password changed; 1 other session(s) signed out." });
    expect(await other.session()).toBeNull();
    expect(
      await action(fresh, () => updatePassword(undefined, form({ currentPassword: "wrong one!", newPassword: "x" }))),
    ).toEqual({ error: "VALIDATION_FAILED" });
  });
});

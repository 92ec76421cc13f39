// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth, parsePasswordHash, verifyPassword } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import {
  Browser,
  createTestAuth,
  errorCodeOf,
  PASSWORD,
  recordingLogger,
  register,
  TEST_SECRET,
} from "./auth-helpers.js";
import { accounts, users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";
import {
  action,
  type captureMail,
  createLifecycleAuth,
  nextIP,
  rejection,
  sessionUser,
  signedIn,
} from "./lifecycle-helpers.js";

// Review findings on stored hashes, proof for sensitive changes and JWT sessions of deleted
// users, through the public functions and the real Auth.js routes. Mocked: the mail provider.
// @see issue 10, findings 11–13

describe("stored password hashes outside the accepted parameters", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  const salt = Buffer.alloc(16, 1).toString("base64").replace(/=+$/, "");
  const key = Buffer.alloc(32, 2).toString("base64").replace(/=+$/, "");
  const hostile = {
    "throws in scrypt (ln=1, r=1)": `$scrypt$ln=1,r=1,p=1$${salt}$${key}`,
    "costs 1 GiB per check (ln=20, r=8)": `$scrypt$ln=20,r=8,p=1$${salt}$${key}`,
    "sixteen times the work (ln=17, r=8, p=16)": `$scrypt$ln=17,r=8,p=16$${salt}$${key}`,
  };

  it("are refused by parsePasswordHash and verifyPassword without throwing or hashing", async () => {
    for (const [label, stored] of Object.entries(hostile)) {
      expect(parsePasswordHash(stored), label).toBeNull();
      const started = performance.now();
      expect(await verifyPassword(PASSWORD, stored), label).toBe(false);
      expect(performance.now() - started, label).toBeLessThan(50);
    }
  });

  it("fail a sign-in as a wrong password would, counted toward the lockout, logged without the hash", async () => {
    const { errors, logger } = recordingLogger();
    const { auth } = await createTestAuth({ logger, lockout: { threshold: 2, baseSeconds: 60 } }, { db });
    const userId = await register(auth, "hostile-hash@example.com");
    await db
      .update(accounts)
      .set({ passwordHash: hostile["throws in scrypt (ln=1, r=1)"] })
      .where(eq(accounts.userId, userId));
    const codes: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push(errorCodeOf(await new Browser(auth, nextIP()).signIn("hostile-hash@example.com", PASSWORD)));
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "ACCOUNT_LOCKED"]);
    const warnings = errors.filter((error) => error.message.includes("stored password hash"));
    expect(warnings.length).toBeGreaterThan(0);
    for (const error of errors) expect(`${error.message} ${String(error.cause)}`).not.toContain(salt);
  });

  it("cannot be configured either: options take the same bounds", () => {
    expect(() => createAuth({ db, secret: TEST_SECRET, password: { scrypt: { ln: 19, r: 8 } } })).toThrowError(
      /256 MiB/,
    );
    expect(() => createAuth({ db, secret: TEST_SECRET, password: { scrypt: { ln: 17, r: 8, p: 16 } } })).toThrowError(
      /four default hashes/,
    );
  });
});

describe("proof beyond the session cookie for email change and deletion", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({ emailSignIn: { enabled: true } }));
  });
  afterAll(() => cleanup());

  it("a stolen fresh cookie cannot move a password account to another address", async () => {
    const { userId, browser } = await signedIn(auth, "cookie-victim@example.com");
    // The thief holds a copy of the victim's cookie, minutes after sign-in.
    const thief = new Browser(auth, nextIP());
    for (const [name, value] of browser.cookies) thief.cookies.set(name, value);
    const missing = await rejection(action(thief, () => auth.requestEmailChange("thief@evil.example")));
    expect(missing.code).toBe("REAUTHENTICATION_REQUIRED");
    expect(missing.status).toBe(401);
    const wrong = await rejection(
      action(thief, () => auth.requestEmailChange("thief@evil.example", { password: "a good guess" })),
    );
    expect(wrong.code).toBe("INVALID_CREDENTIALS");
    expect(mail.to("thief@evil.example")).toEqual([]);
    // The owner, who knows the password, can.
    await action(browser, () => auth.requestEmailChange("cookie-victim-new@example.com", { password: PASSWORD }));
    expect(mail.to("cookie-victim-new@example.com")).toHaveLength(1);
    const [row] = await db.select().from(users).where(eq(users.id, userId));
    expect(row?.email).toBe("cookie-victim@example.com");
  });

  it("a stolen fresh cookie cannot delete a password account", async () => {
    const { userId, browser } = await signedIn(auth, "delete-victim@example.com");
    const thief = new Browser(auth, nextIP());
    for (const [name, value] of browser.cookies) thief.cookies.set(name, value);
    expect((await rejection(action(thief, () => auth.deleteAccount()))).code).toBe("REAUTHENTICATION_REQUIRED");
    expect((await rejection(action(thief, () => auth.deleteAccount({ password: "nope nope" })))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(await db.select().from(users).where(eq(users.id, userId))).toHaveLength(1);
    expect(await action(browser, () => auth.deleteAccount({ password: PASSWORD }))).toEqual({ userId });
  });

  /** A verified user without a password, signed in by email link. */
  async function passwordless(email: string): Promise<{ userId: string; browser: Browser }> {
    await action(null, () => auth.sendSignInLink(email));
    const browser = new Browser(auth, nextIP());
    const link = mail.link(email);
    await browser.request("GET", `${link.pathname}${link.search}`);
    const user = await sessionUser(browser);
    if (!user) throw new Error("the sign-in link did not sign in");
    return { userId: user.id, browser };
  }

  it("an account without a password approves an email change from its current address first", async () => {
    const { userId, browser } = await passwordless("no-password@example.com");
    await action(browser, () => auth.requestEmailChange("no-password-new@example.com"));
    expect(mail.to("no-password-new@example.com")).toEqual([]);
    const approval = mail.link("no-password@example.com");
    expect(approval.pathname).toBe("/approve-email-change");
    expect(mail.last("no-password@example.com").subject).toContain("Approve");
    // Approved by whoever holds the current mailbox (no session needed), then confirmed by the new one.
    await action(null, () => auth.approveEmailChange(approval.searchParams.get("token") ?? ""));
    const confirm = mail.link("no-password-new@example.com");
    expect(confirm.pathname).toBe("/confirm-email-change");
    const result = await action(browser, () => auth.confirmEmailChange(confirm.searchParams.get("token") ?? ""));
    expect(result).toMatchObject({ userId, email: "no-password-new@example.com" });
  });

  it("an account without a password deletes by the mailed link, not by the cookie alone", async () => {
    const { userId, browser } = await passwordless("no-password-delete@example.com");
    expect((await rejection(action(browser, () => auth.deleteAccount()))).code).toBe("REAUTHENTICATION_REQUIRED");
    await action(browser, () => auth.requestAccountDeletion());
    const token = mail.token("no-password-delete@example.com");
    expect(await action(browser, () => auth.confirmAccountDeletion(token))).toEqual({ userId });
  });
});

describe('a deleted user under session.strategy: "jwt"', () => {
  it("loses every copied cookie at once", async () => {
    const { auth, db, cleanup } = await createTestAuth({ session: { strategy: "jwt" } });
    try {
      const userId = await register(auth, "jwt-deleted@example.com");
      const browser = new Browser(auth);
      await browser.signIn("jwt-deleted@example.com", PASSWORD);
      const thief = new Browser(auth);
      thief.cookies.set("authjs.session-token", browser.sessionToken ?? "");
      expect(await thief.session()).toMatchObject({ user: { id: userId } });
      await db.delete(users).where(eq(users.id, userId));
      expect(await thief.session()).toBeNull();
      expect(await auth.getSessionFromRequest(browser.makeRequest("GET", "/"))).toBeNull();
    } finally {
      cleanup();
    }
  });
});

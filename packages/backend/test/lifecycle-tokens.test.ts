// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { users, verificationTokens } from "./engines/tables.js";
import { createTestDatabase, openSecondClient } from "./helpers.js";
import { action, captureMail, createLifecycleAuth, rejection, signedIn, signIn } from "./lifecycle-helpers.js";

// The one token mechanism under every flow, on a real libSQL file database with the real flows.
// Only the mail provider is mocked (captureMail); tokens are taken out of the captured mails.

const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");
const NEW_PASSWORD = "another fine passphrase";

describe("one-time link tokens", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({
      emailVerification: { sendOnSignUp: true },
      emailSignIn: { enabled: true },
    }));
  });
  afterAll(() => cleanup());

  async function tokenRows(userId: string) {
    return db.select().from(verificationTokens).where(eq(verificationTokens.userId, userId));
  }

  it("puts 32 random bytes in the link and stores only their SHA-256, with purpose, user and expiry", async () => {
    const { userId, browser } = await signedIn(auth, "tok@example.com");
    await action(null, () => auth.requestPasswordReset("tok@example.com"));
    await action(browser, () => auth.requestEmailChange("tok-new@example.com", { password: PASSWORD }));
    await action(browser, () => auth.requestAccountDeletion());
    await action(null, () => auth.sendSignInLink("tok@example.com"));

    const cases = [
      { to: "tok@example.com", subject: /^Verify/, purpose: "verify-email", seconds: 86_400 },
      { to: "tok@example.com", subject: /^Reset/, purpose: "reset-password", seconds: 3_600 },
      { to: "tok-new@example.com", subject: /^Confirm your new/, purpose: "change-email", seconds: 3_600 },
      { to: "tok@example.com", subject: /^Confirm deleting/, purpose: "delete-account", seconds: 3_600 },
      { to: "tok@example.com", subject: /^Sign in/, purpose: "sign-in", seconds: 600 },
    ] as const;
    const rows = await tokenRows(userId);
    expect(rows).toHaveLength(cases.length);
    for (const expected of cases) {
      const message = mail.to(expected.to).find((m) => expected.subject.test(m.subject));
      const token = new URL(message?.links.find((l) => l.includes("token=")) ?? "").searchParams.get("token") ?? "";
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      const row = rows.find((r) => r.purpose === expected.purpose);
      expect(row).toMatchObject({ token: sha256(token), identifier: expected.to, userId });
      expect(row?.token).not.toContain(token);
      const lifetime = ((row?.expires.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)) / 1000;
      expect(Math.abs(lifetime - expected.seconds)).toBeLessThan(5);
    }
    // Nothing in the table holds a token as sent.
    const all = JSON.stringify(await db.select().from(verificationTokens));
    for (const m of mail.sent) for (const l of m.links) expect(all).not.toContain(new URL(l).searchParams.get("token"));
  });

  it("has configurable lifetimes per flow", async () => {
    const t = await createLifecycleAuth({ passwordReset: { expiresIn: 120 } });
    try {
      const userId = await register(t.auth, "short@example.com");
      await action(null, () => t.auth.requestPasswordReset("short@example.com"));
      const [row] = await t.db.select().from(verificationTokens).where(eq(verificationTokens.userId, userId));
      expect(((row?.expires.getTime() ?? 0) - Date.now()) / 1000).toBeGreaterThan(110);
      expect(((row?.expires.getTime() ?? 0) - Date.now()) / 1000).toBeLessThanOrEqual(120);
    } finally {
      t.cleanup();
    }
  });

  it("refuses an expired token with TOKEN_EXPIRED and deletes it", async () => {
    const userId = await register(auth, "late@example.com");
    const token = mail.token("late@example.com");
    await db
      .update(verificationTokens)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(verificationTokens.token, sha256(token)));
    const error = await rejection(action(null, () => auth.verifyEmail(token)));
    expect(error).toMatchObject({ name: "TokenError", code: "TOKEN_EXPIRED", status: 410 });
    expect(await tokenRows(userId)).toEqual([]);
    expect((await rejection(action(null, () => auth.verifyEmail(token)))).code).toBe("TOKEN_INVALID");
    expect((await db.select().from(users).where(eq(users.id, userId)))[0]?.emailVerified).toBeNull();
  });

  it("works once: a reused token is TOKEN_INVALID", async () => {
    await register(auth, "once@example.com");
    await action(null, () => auth.requestPasswordReset("once@example.com"));
    const token = mail.token("once@example.com");
    await action(null, () => auth.resetPassword(token, NEW_PASSWORD));
    const error = await rejection(action(null, () => auth.resetPassword(token, "yet another passphrase")));
    expect(error).toMatchObject({ code: "TOKEN_INVALID", status: 400 });
    await signIn(auth, "once@example.com", NEW_PASSWORD);
  });

  it("refuses a token for another purpose and leaves it usable for its own", async () => {
    const { userId, browser } = await signedIn(auth, "purpose@example.com");
    await action(null, () => auth.requestPasswordReset("purpose@example.com"));
    const reset = mail.token("purpose@example.com");
    await action(browser, () => auth.requestAccountDeletion());
    const deletion = mail.token("purpose@example.com");
    const verification = mail.to("purpose@example.com")[0]?.links[0] ?? "";

    for (const attempt of [
      () => auth.verifyEmail(reset),
      () => auth.confirmEmailChange(reset),
      () => auth.confirmAccountDeletion(reset),
      () => auth.resetPassword(deletion, NEW_PASSWORD),
      () => auth.resetPassword(new URL(verification).searchParams.get("token") ?? "", NEW_PASSWORD),
    ]) {
      expect((await rejection(action(null, attempt))).code).toBe("TOKEN_INVALID");
    }
    expect(await tokenRows(userId)).toHaveLength(3);
    await action(null, () => auth.resetPassword(reset, NEW_PASSWORD));
  });

  it("refuses a token for another user: the signed-in user must be the token's", async () => {
    const alice = await signedIn(auth, "alice@example.com");
    const bob = await signedIn(auth, "bob@example.com");
    await action(alice.browser, () => auth.requestEmailChange("alice-new@example.com", { password: PASSWORD }));
    const token = mail.token("alice-new@example.com");

    const error = await rejection(action(bob.browser, () => auth.confirmEmailChange(token)));
    expect(error.code).toBe("TOKEN_INVALID");
    expect((await db.select().from(users).where(eq(users.id, bob.userId)))[0]?.email).toBe("bob@example.com");
    expect((await db.select().from(users).where(eq(users.id, alice.userId)))[0]?.email).toBe("alice@example.com");

    await action(alice.browser, () => auth.confirmEmailChange(token));
    expect((await db.select().from(users).where(eq(users.id, alice.userId)))[0]?.email).toBe("alice-new@example.com");
  });

  it("refuses a tampered or malformed token without touching the real one", async () => {
    await register(auth, "tamper@example.com");
    await action(null, () => auth.requestPasswordReset("tamper@example.com"));
    const token = mail.token("tamper@example.com");
    const flipped = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
    for (const forged of [flipped, token.slice(0, 42), `${token}x`, "", "' OR 1=1 --", sha256(token)]) {
      expect((await rejection(action(null, () => auth.resetPassword(forged, NEW_PASSWORD)))).code).toBe(
        "TOKEN_INVALID",
      );
    }
    expect((await rejection(action(null, () => auth.verifyEmail(42 as unknown as string)))).code).toBe("TOKEN_INVALID");
    await action(null, () => auth.resetPassword(token, NEW_PASSWORD));
  });

  it("lets exactly one of two concurrent confirmations win", async () => {
    await register(auth, "race@example.com");
    await action(null, () => auth.requestPasswordReset("race@example.com"));
    const token = mail.token("race@example.com");
    // Called outside a request scope (as a script would): the simulated Next scope is one global,
    // so concurrent calls inside it would share it; the database work is what races here.
    const outcomes = await Promise.allSettled([
      auth.resetPassword(token, "first racer passphrase"),
      auth.resetPassword(token, "second racer passphrase"),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason.code).toBe("TOKEN_INVALID");
    const winner = outcomes[0]?.status === "fulfilled" ? "first racer passphrase" : "second racer passphrase";
    await signIn(auth, "race@example.com", winner);

    const verifyUser = await register(auth, "race-verify@example.com");
    const verifyToken = mail.token("race-verify@example.com");
    const many = await Promise.allSettled(
      Array.from({ length: 6 }, () => auth.verifyEmail(verifyToken, { password: PASSWORD })),
    );
    expect(many.filter((o) => o.status === "fulfilled")).toEqual([
      { status: "fulfilled", value: { userId: verifyUser, email: "race-verify@example.com" } },
    ]);
  });

  it("lets exactly one win across two app instances on two connections to the same file", async () => {
    const file = await createTestDatabase();
    const second = await openSecondClient({ db: file.db, url: file.url });
    const mailbox = captureMail();
    const options = { sendEmail: mailbox.sendEmail, baseURL: ORIGIN };
    try {
      const one = await createTestAuth(options, { db: file.db });
      const two = await createTestAuth(options, { db: second.db });
      await register(one.auth, "two-apps@example.com");
      await one.auth.requestPasswordReset("two-apps@example.com");
      const token = mailbox.token("two-apps@example.com");
      const outcomes = await Promise.allSettled([
        one.auth.resetPassword(token, "instance one passphrase"),
        two.auth.resetPassword(token, "instance two passphrase"),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      expect((outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult).reason.code).toBe(
        "TOKEN_INVALID",
      );
    } finally {
      second.close();
      file.cleanup();
    }
  });

  it("refuses a link sent to an address the account no longer has", async () => {
    const { browser } = await signedIn(auth, "moving@example.com");
    await action(null, () => auth.requestPasswordReset("moving@example.com"));
    const reset = mail.token("moving@example.com");
    await action(browser, () => auth.requestEmailChange("moved@example.com", { password: PASSWORD }));
    await action(browser, () => auth.confirmEmailChange(mail.token("moved@example.com")));
    expect((await rejection(action(null, () => auth.resetPassword(reset, NEW_PASSWORD)))).code).toBe("TOKEN_INVALID");
    await signIn(auth, "moved@example.com", PASSWORD);
  });

  it("rate-limits confirmations per IP (rateLimit.confirm)", async () => {
    const t = await createLifecycleAuth({ rateLimit: { confirm: { perIP: 2 } } });
    try {
      const visitor = new Browser(t.auth, "192.0.2.77");
      const run = (token: string) => action(visitor, () => t.auth.verifyEmail(token));
      expect((await rejection(run("x".repeat(43)))).code).toBe("TOKEN_INVALID");
      expect((await rejection(run("y".repeat(43)))).code).toBe("TOKEN_INVALID");
      expect((await rejection(run("z".repeat(43)))).code).toBe("RATE_LIMITED");
    } finally {
      t.cleanup();
    }
  });

  it("prune() deletes expired tokens and keeps live ones", async () => {
    const userId = await register(auth, "prune@example.com");
    await action(null, () => auth.requestPasswordReset("prune@example.com"));
    await db
      .update(verificationTokens)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(verificationTokens.purpose, "verify-email"));
    const live = await db.select().from(verificationTokens).where(eq(verificationTokens.purpose, "reset-password"));
    const result = await auth.prune();
    expect(result.verificationTokens).toBeGreaterThanOrEqual(1);
    const remaining = await db.select().from(verificationTokens);
    expect(remaining.every((row) => row.expires.getTime() > Date.now())).toBe(true);
    expect(remaining.map((row) => row.id)).toEqual(expect.arrayContaining(live.map((row) => row.id)));
    expect((await tokenRows(userId)).map((row) => row.purpose)).toEqual(["reset-password"]);
  });
});

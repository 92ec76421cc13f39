// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent, Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, errorCodeOf, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { auditEvents, sessions, users } from "./engines/tables.js";
import {
  action,
  type captureMail,
  createLifecycleAuth,
  nextIP,
  rejection,
  signedIn,
  signIn,
} from "./lifecycle-helpers.js";

// The audit log through the real flows (sign-in through the Auth.js route handlers and the JSON
// API, the account flows as Server Actions). Only the mail provider is mocked (captureMail).

const NEW_PASSWORD = "a brand new passphrase";

describe("the audit log", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({ lockout: { threshold: 3 }, api: {} }));
  });
  afterAll(() => cleanup());

  async function eventsOf(userId: string): Promise<AuditEvent[]> {
    return (await auth.listAuditEvents({ userId }, { limit: 100 })).items;
  }
  const actions = async (userId: string) => (await eventsOf(userId)).map((event) => event.action).reverse();

  it("records a sign-in with its session, address and user agent, in the session's own transaction", async () => {
    const userId = await register(auth, "ada@example.com");
    const browser = new Browser(auth, "203.0.113.50", "audit-test-agent/2.0");
    await browser.signIn("ada@example.com", PASSWORD);
    const [event] = await eventsOf(userId);
    const [session] = await db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(event).toMatchObject({
      action: "user.signed_in",
      actorId: userId,
      userId,
      organizationId: null,
      target: { type: "session", id: session?.id },
      ipAddress: "203.0.113.50",
      userAgent: "audit-test-agent/2.0",
      details: { provider: "credentials" },
    });
    expect(event?.createdAt).toBeInstanceOf(Date);

    // The JSON API's sign-in too.
    const response = await auth.apiHandlers.POST(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "203.0.113.51" },
        body: JSON.stringify({ email: "ada@example.com", password: PASSWORD }),
      }),
    );
    expect(response.status).toBe(200);
    const [latest] = await eventsOf(userId);
    expect(latest).toMatchObject({ action: "user.signed_in", ipAddress: "203.0.113.51" });
  });

  it("records failed sign-ins of an account and its lockout, never the typed address or password, nothing for unknown ones", async () => {
    const userId = await register(auth, "bo@example.com");
    const attacker = new Browser(auth, nextIP());
    const before = (await db.select().from(auditEvents)).length;
    expect(errorCodeOf(await attacker.signIn("nobody-here@example.com", "guess guess guess"))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect((await db.select().from(auditEvents)).length).toBe(before);

    for (let i = 0; i < 3; i++) await attacker.signIn("bo@example.com", "wrong password here");
    expect(errorCodeOf(await attacker.signIn("bo@example.com", PASSWORD))).toBe("ACCOUNT_LOCKED");
    expect(await actions(userId)).toEqual([
      "user.sign_in_failed",
      "user.sign_in_failed",
      "user.sign_in_failed",
      "user.locked_out",
      "user.sign_in_failed",
    ]);
    const reasons = (await eventsOf(userId)).map((event) => event.details?.reason).filter(Boolean);
    expect(reasons).toEqual(["ACCOUNT_LOCKED", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS"]);
    const stored = JSON.stringify(await db.select().from(auditEvents));
    expect(stored).not.toContain("wrong password here");
    expect(stored).not.toContain("nobody-here");
  });

  it("records password changes and resets, email changes, revoked sessions and the account's deletion", async () => {
    const { userId, browser } = await signedIn(auth, "cy@example.com");
    const phone = await signIn(auth, "cy@example.com");
    const tablet = await signIn(auth, "cy@example.com");
    const phoneSession = (await action(phone, () => auth.getSession()))?.sessionId ?? "";

    expect(await action(browser, () => auth.revokeSession(userId, phoneSession))).toBe(true);
    // Nothing revoked, nothing recorded.
    expect(await action(browser, () => auth.revokeSession(userId, phoneSession))).toBe(false);
    await action(browser, () => auth.changePassword(PASSWORD, NEW_PASSWORD));
    void tablet;
    await action(null, () => auth.requestPasswordReset("cy@example.com"));
    await action(null, () => auth.resetPassword(mail.token("cy@example.com"), PASSWORD));
    const again = await signIn(auth, "cy@example.com");
    await action(again, () => auth.requestEmailChange("cy-new@example.com", { password: PASSWORD }));
    await action(again, () => auth.confirmEmailChange(mail.token("cy-new@example.com")));
    const other = await signIn(auth, "cy-new@example.com");
    void other;
    const current = (await action(again, () => auth.getSession()))?.sessionId ?? "";
    expect(await action(again, () => auth.revokeOtherSessions(userId, current))).toBe(1);
    expect(await action(again, () => auth.revokeAllSessions(userId))).toBe(1);
    const last = await signIn(auth, "cy-new@example.com");
    await action(last, () => auth.deleteAccount({ password: PASSWORD }));

    // The events outlive the account: they are the record of what happened to it.
    expect(await db.select().from(users).where(eq(users.id, userId))).toEqual([]);
    expect(await actions(userId)).toEqual([
      "user.signed_in",
      "user.signed_in",
      "user.signed_in",
      "session.revoked",
      "user.password_changed",
      "user.password_reset",
      "user.signed_in",
      "user.email_changed",
      "user.signed_in",
      "session.revoked",
      "session.revoked",
      "user.signed_in",
      "user.deleted",
    ]);
    const revoked = (await eventsOf(userId)).filter((event) => event.action === "session.revoked").reverse();
    expect(revoked.map((event) => [event.target, event.details])).toEqual([
      [{ type: "session", id: phoneSession }, { scope: "one" }],
      [null, { scope: "others" }],
      [null, { scope: "all" }],
    ]);
    expect((await eventsOf(userId)).find((event) => event.action === "user.password_changed")?.actorId).toBe(userId);
  });

  it("writes no event for a change that failed (same transaction)", async () => {
    const { userId, browser } = await signedIn(auth, "dee@example.com");
    await action(browser, () => auth.requestEmailChange("dee-contested@example.com", { password: PASSWORD }));
    await register(auth, "dee-contested@example.com");
    const error = await rejection(
      action(browser, () => auth.confirmEmailChange(mail.token("dee-contested@example.com"))),
    );
    expect(error.code).toBe("CONFLICT");
    expect(await actions(userId)).toEqual(["user.signed_in"]);
  });

  it("pages newest first with a keyset cursor, and refuses a cursor it did not make", async () => {
    const userId = await register(auth, "eve@example.com");
    for (let i = 0; i < 5; i++) await signIn(auth, "eve@example.com");
    const all = (await auth.listAuditEvents({ userId }, { limit: 100 })).items;
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await auth.listAuditEvents({ userId }, { limit: 2, ...(cursor && { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((event) => event.id));
    const times = all.map((event) => event.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    expect((await rejection(auth.listAuditEvents({ userId }, { cursor: "nope" }))).code).toBe("VALIDATION_FAILED");
    expect((await rejection(auth.listAuditEvents({} as never))).code).toBe("VALIDATION_FAILED");
    expect((await rejection(auth.listAuditEvents({ userId }, { limit: 1000 }))).code).toBe("VALIDATION_FAILED");
    expect(await auth.listAuditEvents({ userId: "not-a-user" })).toEqual({ items: [], nextCursor: null });
  });

  it("prunes events past the retention in prune()", async () => {
    const userId = await register(auth, "old@example.com");
    await db.insert(auditEvents).values([
      { action: "user.signed_in", userId, createdAt: new Date(Date.now() - 200 * 86_400_000) },
      { action: "user.signed_in", userId, createdAt: new Date(Date.now() - 10 * 86_400_000) },
    ]);
    const result = await auth.prune();
    expect(result.auditEvents).toBeGreaterThanOrEqual(1);
    expect((await eventsOf(userId)).length).toBe(1);

    const keepAll = await createLifecycleAuth({ audit: { retention: 0 } });
    try {
      await keepAll.db.insert(auditEvents).values({ action: "x.y", createdAt: new Date(0) });
      expect((await keepAll.auth.prune()).auditEvents).toBe(0);
    } finally {
      keepAll.cleanup();
    }
  });
});

describe("the audit log of API keys", () => {
  let auth: Auth;
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, cleanup } = await createLifecycleAuth({ apiKeys: {} }));
  });
  afterAll(() => cleanup());

  it("records a key's creation and revocation in their own transactions, never the key, and no revocation that did not happen", async () => {
    const userId = await register(auth, "keys@example.com");
    const other = await register(auth, "other-keys@example.com");
    const { key, apiKey } = await auth.createAPIKey(userId, { name: "ci deploys", scopes: ["notes:read"] });
    const [created] = (await auth.listAuditEvents({ userId }, { limit: 10 })).items;
    expect(created).toMatchObject({
      action: "api_key.created",
      actorId: userId,
      userId,
      target: { type: "api_key", id: apiKey.id },
      details: { name: "ci deploys", scopes: ["notes:read"] },
    });

    // Someone else's revocation deletes nothing and records nothing.
    expect(await auth.revokeAPIKey(other, apiKey.id)).toBe(false);
    expect((await auth.listAuditEvents({ userId: other }, { limit: 10 })).items.map((e) => e.action)).not.toContain(
      "api_key.revoked",
    );

    expect(await auth.revokeAPIKey(userId, apiKey.id)).toBe(true);
    expect(await auth.revokeAPIKey(userId, apiKey.id)).toBe(false);
    const revocations = (await auth.listAuditEvents({ userId }, { limit: 10 })).items.filter(
      (event) => event.action === "api_key.revoked",
    );
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({ actorId: userId, target: { type: "api_key", id: apiKey.id } });

    // The whole table, as a dump would show it: no key, nor its random part.
    const dump = JSON.stringify(await db.select().from(auditEvents));
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(-16));
  });
});

/**
 * Refresh tokens (issue 14, item 2): sign-in with `issueTokens`, `POST /token/refresh`, rotation
 * (single use), reuse detection that ends the whole family and is recorded, concurrent refreshes
 * with one token (consumed once), the grace period for a client's own retry, expiry and absolute
 * lifetime, sign-out by refresh token, and what a copy of the table yields (nothing usable).
 * Through the real JSON API over HTTP, on every engine; concurrency uses two clients of one
 * database where the engine has them (test/helpers.ts `openSecondClient`).
 *
 * @see /tmp/issues/14.md (issue 14)
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "../src/auth/index.js";
import { openHandoff } from "../src/auth/tokens/sealing.js";
import { refreshTokens, sessions, users } from "./engines/tables.js";
import { createTestDatabase, openSecondClient, queryAll } from "./helpers.js";
import { rejection } from "./lifecycle-helpers.js";
import { call, decodeJWT, signInForTokens, type TokenInstance, tokenInstance } from "./token-helpers.js";

afterEach(() => {
  vi.useRealTimers();
});

function setClock(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

interface WirePair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const refresh = (target: TokenInstance, refreshToken: unknown) =>
  call(target, "POST", "/token/refresh", { body: { refreshToken } });

let main: TokenInstance;
beforeAll(async () => {
  main = await tokenInstance({ accessTokens: {}, refreshTokens: {} });
});
afterAll(() => main.stop());

describe("sign-in with issueTokens", () => {
  it("answers an access token and a refresh token bound to a new session, and no session token, cookie or set-auth-token", async () => {
    const { body, userId, accessToken, refreshToken } = await signInForTokens(main, "pair@example.com");
    expect(body).toMatchObject({
      token: null,
      user: { email: "pair@example.com" },
      accessToken: expect.any(String),
      accessTokenExpiresAt: expect.stringMatching(/Z$/),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshTokenExpiresAt: expect.stringMatching(/Z$/),
    });
    const claims = await main.auth.verifyAccessToken(accessToken);
    const [session] = await main.db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(claims).toMatchObject({ sub: userId, sid: session?.id });
    const [row] = await main.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId));
    expect(row).toMatchObject({
      sessionId: session?.id,
      familyId: session?.id,
      tokenHash: hashSessionToken(refreshToken),
    });
    // 30 days by default, within the 90-day absolute lifetime.
    expect(new Date(String(body.refreshTokenExpiresAt)).getTime() - Date.now()).toBeGreaterThan(29.9 * 86400_000);
    expect(row?.familyExpiresAt.getTime()).toBeGreaterThan(Date.now() + 89.9 * 86400_000);

    const answer = await call(main, "POST", "/sign-in/email", {
      body: { email: "pair@example.com", password: "correct horse battery staple", issueTokens: true },
    });
    expect(answer.headers.get("set-auth-token")).toBeNull();
    // Only the known-device cookie of the lockout (which carries no session) may be set.
    expect(answer.headers.getSetCookie().filter((cookie) => /session-token/.test(cookie))).toEqual([]);
  });

  it("sign-up with issueTokens answers the pair too; issueTokens without refreshTokens is 404 NOT_FOUND before anything is written", async () => {
    const answer = await call(main, "POST", "/sign-up/email", {
      body: {
        name: "N",
        email: "signup-pair@example.com",
        password: "correct horse battery staple",
        issueTokens: true,
      },
    });
    expect(answer).toMatchObject({ status: 200, body: { token: null, refreshToken: expect.any(String) } });
    const off = await tokenInstance({ accessTokens: {} });
    try {
      const refused = await call(off, "POST", "/sign-up/email", {
        body: { name: "N", email: "nope@example.com", password: "correct horse battery staple", issueTokens: true },
      });
      expect(refused).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
      expect(await off.db.select().from(users)).toEqual([]);
    } finally {
      await off.stop();
    }
  });
});

describe("POST /token/refresh", () => {
  it("exchanges a refresh token for a new pair, once: the token presented stops working", async () => {
    const { refreshToken, userId } = await signInForTokens(main, "rotate@example.com");
    const first = await refresh(main, refreshToken);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const pair = first.body as WirePair;
    expect(Object.keys(pair).sort()).toEqual([
      "accessToken",
      "accessTokenExpiresAt",
      "refreshToken",
      "refreshTokenExpiresAt",
    ]);
    expect(pair.refreshToken).not.toBe(refreshToken);
    expect(decodeJWT(pair.accessToken).payload.sub).toBe(userId);
    const second = await refresh(main, pair.refreshToken);
    expect(second.status).toBe(200);
    const rows = await main.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId));
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => row.usedAt === null)).toHaveLength(1);
  });

  it("answers 401 REFRESH_TOKEN_INVALID for an unknown, malformed or missing token, never echoing it", async () => {
    for (const value of ["A".repeat(43), "short", "x".repeat(300)]) {
      const answer = await refresh(main, value);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(JSON.stringify(answer.body)).not.toContain(value);
    }
    expect(await refresh(main, "A".repeat(43))).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_INVALID" } });
    expect(await call(main, "POST", "/token/refresh", { body: {} })).toMatchObject({ status: 400 });
  });

  it("reuse of a used token (after the grace period) ends the whole family: the session, every refresh token; recorded and logged", async () => {
    const { refreshToken: stolen, userId } = await signInForTokens(main, "reuse@example.com");
    const [session] = await main.db.select().from(sessions).where(eq(sessions.userId, userId));
    const legit = (await refresh(main, stolen)).body as WirePair;
    const next = (await refresh(main, legit.refreshToken)).body as WirePair;

    setClock(Date.now() + 11_000); // past the 10-second grace period
    const warnings = main.errors.length;
    const replay = await refresh(main, stolen);
    expect(replay).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_REUSED" } });
    // The family is gone: the session row, and the newest token of the legitimate client too.
    expect(await main.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
    expect(await refresh(main, next.refreshToken)).toMatchObject({
      status: 401,
      body: { code: "REFRESH_TOKEN_INVALID" },
    });
    // Recorded in the rows (kept, with the session link cleared) and in the log, without the token.
    const rows = await main.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.familyId, session?.id ?? ""));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatchObject({ revokedAt: expect.any(Date), sessionId: null });
    expect(rows.filter((row) => row.reuseDetectedAt !== null).map((row) => row.tokenHash)).toEqual([
      hashSessionToken(stolen),
    ]);
    const logged = main.errors.slice(warnings).map((error) => error.message);
    expect(logged).toEqual([expect.stringContaining("refresh token reuse")]);
    expect(logged.join(" ")).not.toContain(stolen);
    // Presenting it yet again changes nothing more.
    expect(await refresh(main, stolen)).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_INVALID" } });
  });

  it("gives a retry within the grace period the same new refresh token, and treats a later one as theft", async () => {
    const { refreshToken } = await signInForTokens(main, "retry@example.com");
    const first = (await refresh(main, refreshToken)).body as WirePair;
    const retry = await refresh(main, refreshToken);
    expect(retry.status).toBe(200);
    expect((retry.body as WirePair).refreshToken).toBe(first.refreshToken);
    expect((retry.body as WirePair).refreshTokenExpiresAt).toBe(first.refreshTokenExpiresAt);
    // Once the successor itself was used, the parent is no retry any more, grace or not.
    const next = (await refresh(main, first.refreshToken)).body as WirePair;
    expect(await refresh(main, refreshToken)).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_REUSED" } });
    expect(await refresh(main, next.refreshToken)).toMatchObject({ status: 401 });
  });

  it("expires: a token after refreshTokens.expiresIn, the family after absoluteLifetime however often refreshed", async () => {
    const t = await tokenInstance({ accessTokens: {}, refreshTokens: { expiresIn: 3600, absoluteLifetime: 7200 } });
    try {
      const start = Date.now();
      const idle = await signInForTokens(t, "idle@example.com");
      setClock(start + 3_601_000);
      expect(await refresh(t, idle.refreshToken)).toMatchObject({
        status: 401,
        body: { code: "REFRESH_TOKEN_EXPIRED" },
      });

      setClock(start);
      let { refreshToken } = await signInForTokens(t, "absolute@example.com");
      for (const minutes of [50, 100]) {
        setClock(start + minutes * 60_000);
        const answer = await refresh(t, refreshToken);
        expect(answer.status).toBe(200);
        refreshToken = (answer.body as WirePair).refreshToken;
        // Each new token ends no later than the family.
        expect(new Date((answer.body as WirePair).refreshTokenExpiresAt).getTime()).toBeLessThanOrEqual(
          start + 7_200_000 + 1000,
        );
      }
      setClock(start + 7_201_000);
      expect(await refresh(t, refreshToken)).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_EXPIRED" } });
      expect((await t.auth.prune()).refreshTokens).toBeGreaterThanOrEqual(2);
    } finally {
      vi.useRealTimers();
      await t.stop();
    }
  });

  it("slides the session as a use of it, and stops when the session ends (sign-out by refresh token, revocation)", async () => {
    const t = await tokenInstance({ accessTokens: {}, refreshTokens: {}, session: { maxAge: 7200, updateAge: 600 } });
    try {
      const start = Date.now();
      const { refreshToken, userId } = await signInForTokens(t, "slide@example.com");
      setClock(start + 3_600_000);
      const answer = await refresh(t, refreshToken);
      expect(answer.status).toBe(200);
      const [session] = await t.db.select().from(sessions).where(eq(sessions.userId, userId));
      expect(session?.expires.getTime()).toBeGreaterThan(start + 3_600_000 + 7_100_000);

      const signedOut = await call(t, "POST", "/sign-out", {
        body: { refreshToken: (answer.body as WirePair).refreshToken },
      });
      expect(signedOut).toMatchObject({ status: 200, body: { success: true } });
      expect(await t.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
      expect(await refresh(t, (answer.body as WirePair).refreshToken)).toMatchObject({
        status: 401,
        body: { code: "REFRESH_TOKEN_INVALID" },
      });

      const other = await signInForTokens(t, "revoked@example.com");
      await t.auth.revokeAllSessions(other.userId);
      expect(await refresh(t, other.refreshToken)).toMatchObject({
        status: 401,
        body: { code: "REFRESH_TOKEN_INVALID" },
      });
    } finally {
      vi.useRealTimers();
      await t.stop();
    }
  });

  it("dies with its user (ON DELETE CASCADE)", async () => {
    const { refreshToken, userId } = await signInForTokens(main, "cascade@example.com");
    await main.db.delete(users).where(eq(users.id, userId));
    expect(await main.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId))).toEqual([]);
    expect(await refresh(main, refreshToken)).toMatchObject({ status: 401, body: { code: "REFRESH_TOKEN_INVALID" } });
  });
});

describe("concurrent refreshes with one token", () => {
  /** Two app instances on two clients of one database (PGlite has one connection: the same one). */
  async function twoInstances(options: Record<string, unknown>) {
    const t = await createTestDatabase();
    const second = await openSecondClient(t);
    const a = await tokenInstance(options, { db: t.db });
    const b = await tokenInstance(options, { db: second.db });
    return {
      a,
      b,
      db: t.db,
      async stop() {
        await a.stop();
        await b.stop();
        second.close();
        t.cleanup();
      },
    };
  }

  it("consume it once: every racer gets the one successor within the grace period; one row is added", async () => {
    const pair = await twoInstances({ accessTokens: {}, refreshTokens: {} });
    try {
      const { refreshToken, userId } = await signInForTokens(pair.a, "race@example.com");
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => refresh(index % 2 ? pair.b : pair.a, refreshToken)),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const successors = new Set(answers.map((answer) => (answer.body as WirePair).refreshToken));
      expect(successors.size).toBe(1);
      const rows = await pair.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId));
      expect(rows).toHaveLength(2);
      expect(rows.filter((row) => row.parentId !== null)).toHaveLength(1);
      // The family lives on: the successor refreshes.
      expect((await refresh(pair.a, [...successors][0])).status).toBe(200);
    } finally {
      await pair.stop();
    }
  });

  it("with reuseGrace 0, exactly one wins and the other is taken for a replay (the family ends)", async () => {
    const pair = await twoInstances({ accessTokens: {}, refreshTokens: { reuseGrace: 0 } });
    try {
      const { refreshToken, userId } = await signInForTokens(pair.a, "strict@example.com");
      const answers = await Promise.all([refresh(pair.a, refreshToken), refresh(pair.b, refreshToken)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      expect(answers.find((answer) => answer.status === 401)?.body).toMatchObject({ code: "REFRESH_TOKEN_REUSED" });
      const rows = await pair.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId));
      expect(rows.filter((row) => row.parentId !== null)).toHaveLength(1);
      expect(await pair.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
    } finally {
      await pair.stop();
    }
  });
});

describe("what the database holds", () => {
  it("a dump of the refresh_tokens table yields no usable refresh token", async () => {
    const { refreshToken } = await signInForTokens(main, "dump@example.com");
    const { refreshToken: successor } = (await refresh(main, refreshToken)).body as WirePair;
    const dump = await queryAll<Record<string, unknown>>(main.db, sql`SELECT * FROM refresh_tokens`);
    const text = JSON.stringify(dump);
    expect(text).not.toContain(refreshToken);
    expect(text).not.toContain(successor);
    // Every stored string, presented as a refresh token, is refused; the sealed successor does
    // not open with what is stored of its parent (its hash).
    const values = dump
      .flatMap((row) => Object.values(row))
      .filter((value): value is string => typeof value === "string");
    for (const value of new Set(values)) {
      const answer = await refresh(main, value.slice(0, 255));
      expect([400, 401], value).toContain(answer.status);
    }
    const child = dump.find((row) => row.handoff);
    expect(openHandoff(hashSessionToken(refreshToken), String(child?.handoff), String(child?.parent_id))).toBeNull();
  });

  it("refreshTokenPair() and issueTokenPair() refuse bad input with typed errors", async () => {
    expect(await rejection(main.auth.refreshTokenPair(42 as never))).toMatchObject({ code: "REFRESH_TOKEN_INVALID" });
    expect(await rejection(main.auth.issueTokenPair("no-such-session"))).toMatchObject({
      code: "REFRESH_TOKEN_INVALID",
    });
    expect(await rejection(main.auth.issueTokenPair(42 as never))).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await main.auth.revokeTokenFamily("A".repeat(43))).toBe(false);
  });
});

/**
 * API keys (issue 14, item 3): `createAPIKey` (shown once, a recognisable format), `verifyAPIKey`
 * from `x-api-key`, `Authorization: Bearer` or the key itself, scopes, expiry, revocation, the
 * per-key rate limit, last-used written at most once a minute, the cascade with the user, and
 * that neither a database dump, a log nor an error ever yields a usable key. On every engine.
 *
 * @see /tmp/issues/14.md (issue 14)
 */
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Auth, DEFAULT_API_KEY_PREFIX, isTetrastackError } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { createTestAuth, recordingLogger } from "./auth-helpers.js";
import { apiKeys, users } from "./engines/tables.js";
import { queryAll } from "./helpers.js";
import { rejection } from "./lifecycle-helpers.js";

const KEY = /^tsk_[0-9A-Za-z]{43}$/;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

let auth: Auth;
let db: Database;
let cleanup: () => void;
const logged: string[] = [];

beforeAll(async () => {
  const { logger } = recordingLogger();
  const t = await createTestAuth({
    logger: { ...logger, error: (error: Error) => void logged.push(`${error.message} ${String(error.cause ?? "")}`) },
    apiKeys: { rateLimit: { window: 60, max: 5 } },
  });
  ({ auth, db, cleanup } = t);
});
afterAll(() => cleanup());

let userCount = 0;
async function newUser(): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ email: `key-owner-${++userCount}@example.com` })
    .returning();
  return row?.id ?? "";
}

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; status?: number; message: string }> {
  const error = await rejection(promise);
  expect(isTetrastackError(error), String(error)).toBe(true);
  return error;
}

describe("createAPIKey()", () => {
  it("returns the key once, as tsk_ + 43 base62 characters (256 bits), and stores only its SHA-256, prefix and last four", async () => {
    const userId = await newUser();
    const created = await auth.createAPIKey(userId, { name: "CI deploys", scopes: ["notes:read", "notes:write"] });
    expect(created.key).toMatch(KEY);
    expect(DEFAULT_API_KEY_PREFIX).toBe("tsk_");
    expect(created.apiKey).toEqual({
      id: expect.any(String),
      name: "CI deploys",
      prefix: "tsk_",
      lastFour: created.key.slice(-4),
      scopes: ["notes:read", "notes:write"],
      expiresAt: expect.any(Date),
      lastUsedAt: null,
      createdAt: expect.any(Date),
    });
    // 90 days by default.
    expect((created.apiKey.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(89.9 * 86400_000);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.apiKey.id));
    expect(row?.keyHash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(4, 40));
    // Listing never shows the key or its hash.
    const [listed] = await auth.listAPIKeys(userId);
    expect(listed).toEqual(created.apiKey);
    expect(JSON.stringify(await auth.listAPIKeys(userId))).not.toContain(created.key);
  });

  it("makes a different key every time (no two keys alike in 200)", async () => {
    const userId = await newUser();
    const keys = await Promise.all(
      Array.from({ length: 200 }, (_, index) => auth.createAPIKey(userId, { name: `k${index}`, expiresIn: null })),
    );
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    // Every base62 character shows up: the random part is not a narrower alphabet.
    expect(new Set(keys.flatMap((k) => [...k.key.slice(4)])).size).toBe(62);
  });

  it("refuses a bad name, scope, lifetime or owner with a ValidationError", async () => {
    const userId = await newUser();
    const bad = [
      { name: "" },
      { name: "x".repeat(101) },
      { name: "ok", scopes: ["has space"] },
      { name: "ok", scopes: Array.from({ length: 51 }, (_, i) => `s${i}`) },
      { name: "ok", expiresIn: 10 },
      { name: "ok", expiresIn: "forever" },
      { name: "ok", extra: true },
    ];
    for (const options of bad) {
      expect(await refusal(auth.createAPIKey(userId, options as never))).toMatchObject({ code: "VALIDATION_FAILED" });
    }
    expect(await refusal(auth.createAPIKey("00000000-0000-7000-8000-000000000000", { name: "ok" }))).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("names no user"),
    });
  });
});

describe("verifyAPIKey()", () => {
  it("resolves the owner and scopes from x-api-key, Authorization: Bearer, or the key itself", async () => {
    const userId = await newUser();
    const { key, apiKey } = await auth.createAPIKey(userId, { name: "reader", scopes: ["notes:read"] });
    const expected = { id: apiKey.id, userId, name: "reader", scopes: ["notes:read"], expiresAt: apiKey.expiresAt };
    const request = (headers: Record<string, string>) => new Request("http://localhost/api/notes", { headers });
    expect(await auth.verifyAPIKey(request({ "x-api-key": key }))).toEqual(expected);
    expect(await auth.verifyAPIKey(request({ authorization: `Bearer ${key}` }))).toEqual(expected);
    expect(await auth.verifyAPIKey(key, { scopes: ["notes:read"] })).toEqual(expected);
  });

  it("refuses a missing, malformed, unknown or revoked key with API_KEY_INVALID (401), never repeating it", async () => {
    const userId = await newUser();
    const { key, apiKey } = await auth.createAPIKey(userId, { name: "doomed" });
    const unknown = `tsk_${"A".repeat(43)}`;
    for (const candidate of [
      new Request("http://localhost/"),
      "",
      "tsk_short",
      unknown,
      `${key}x`,
      key.toUpperCase(),
    ]) {
      const error = await refusal(auth.verifyAPIKey(candidate));
      expect(error).toMatchObject({ code: "API_KEY_INVALID", status: 401 });
      if (typeof candidate === "string" && candidate) expect(error.message).not.toContain(candidate);
    }
    // A bearer that is a session token or a JWT is no API key: it is not looked up as one.
    const bearer = new Request("http://localhost/", { headers: { authorization: "Bearer eyJhbGciOi.eyJzdWIi.sig" } });
    expect(await refusal(auth.verifyAPIKey(bearer))).toMatchObject({ code: "API_KEY_INVALID" });

    expect(await auth.revokeAPIKey(await newUser(), apiKey.id)).toBe(false); // not theirs
    expect(await auth.revokeAPIKey(userId, apiKey.id)).toBe(true);
    expect(await auth.revokeAPIKey(userId, apiKey.id)).toBe(false);
    expect(await refusal(auth.verifyAPIKey(key))).toMatchObject({ code: "API_KEY_INVALID" });
    expect(await auth.listAPIKeys(userId)).toEqual([]);
  });

  it("refuses a key without every scope asked for (403 API_KEY_INSUFFICIENT_SCOPE) and an expired key (401 API_KEY_EXPIRED)", async () => {
    const userId = await newUser();
    const { key } = await auth.createAPIKey(userId, { name: "narrow", scopes: ["notes:read"], expiresIn: 3600 });
    expect(await refusal(auth.verifyAPIKey(key, { scopes: ["notes:read", "notes:write"] }))).toMatchObject({
      code: "API_KEY_INSUFFICIENT_SCOPE",
      status: 403,
      message: expect.stringContaining("notes:write"),
    });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3_601_000);
    expect(await refusal(auth.verifyAPIKey(key))).toMatchObject({ code: "API_KEY_EXPIRED", status: 401 });
  });

  it("writes last-used at most once a minute, not on every request", async () => {
    const userId = await newUser();
    const { key, apiKey } = await auth.createAPIKey(userId, { name: "busy" });
    const lastUsed = async () => (await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0]?.lastUsedAt;
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    await auth.verifyAPIKey(key);
    expect((await lastUsed())?.getTime()).toBe(start);
    vi.setSystemTime(start + 30_000);
    await auth.verifyAPIKey(key);
    expect((await lastUsed())?.getTime()).toBe(start);
    vi.setSystemTime(start + 61_000);
    await auth.verifyAPIKey(key);
    expect((await lastUsed())?.getTime()).toBe(start + 61_000);
    expect((await auth.listAPIKeys(userId))[0]?.lastUsedAt?.getTime()).toBe(start + 61_000);
  });

  it("limits each key on its own (apiKeys.rateLimit): the sixth request in a minute is RATE_LIMITED, another key is not", async () => {
    const userId = await newUser();
    const { key } = await auth.createAPIKey(userId, { name: "limited" });
    const { key: other } = await auth.createAPIKey(userId, { name: "other" });
    for (let i = 0; i < 5; i++) await auth.verifyAPIKey(key);
    const error = await refusal(auth.verifyAPIKey(key));
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfter: expect.any(Number) });
    expect(error.message).not.toContain(key);
    expect((await auth.verifyAPIKey(other)).name).toBe("other");
  });

  it("dies with its user (ON DELETE CASCADE)", async () => {
    const userId = await newUser();
    const { key } = await auth.createAPIKey(userId, { name: "orphan" });
    await db.delete(users).where(eq(users.id, userId));
    expect(await db.select().from(apiKeys).where(eq(apiKeys.userId, userId))).toEqual([]);
    expect(await refusal(auth.verifyAPIKey(key))).toMatchObject({ code: "API_KEY_INVALID" });
  });
});

describe("keys never leak", () => {
  it("a database dump yields no usable key: no key in it, and nothing in it verifies", async () => {
    const userId = await newUser();
    const created = await Promise.all(
      ["one", "two", "three"].map((name) => auth.createAPIKey(userId, { name, scopes: ["all"] })),
    );
    const dump = await queryAll<Record<string, unknown>>(db, sql`SELECT * FROM api_keys`);
    const text = JSON.stringify(dump);
    for (const { key } of created) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(4, 30));
    }
    const stored = new Set(dump.flatMap((row) => Object.values(row)).filter((v): v is string => typeof v === "string"));
    for (const value of stored) {
      for (const candidate of [value, `tsk_${value}`, `tsk_${value.slice(0, 43)}`]) {
        await expect(auth.verifyAPIKey(candidate)).rejects.toMatchObject({ code: "API_KEY_INVALID" });
      }
    }
  });

  it("never logs a key, nor puts it in an error, after creation", async () => {
    const printed: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(" "));
      });
    }
    const userId = await newUser();
    const { key } = await auth.createAPIKey(userId, { name: "quiet", scopes: ["a"], expiresIn: 60 });
    const errors: string[] = [];
    const attempts = [
      () => auth.verifyAPIKey(key, { scopes: ["b"] }),
      () => auth.verifyAPIKey(`${key.slice(0, -1)}0`),
      () => auth.verifyAPIKey(new Request("http://localhost/", { headers: { "x-api-key": `${key} ` } })),
      () => auth.createAPIKey(userId, { name: "x", scopes: [`${key} `] }),
    ];
    for (const attempt of attempts) {
      const outcome = await attempt().then(
        () => null,
        (error: Error) => error,
      );
      if (outcome) errors.push(`${outcome.message} ${JSON.stringify(outcome)} ${String(outcome.cause ?? "")}`);
    }
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const text of [...errors, ...printed, ...logged]) expect(text).not.toContain(key);
  });
});

import { createHash } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken, isTetrastackError, RateLimitError } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { deleteInBatches } from "../src/shared/batches.js";
import { Browser, createTestAuth, errorCodeOf, PASSWORD, register } from "./auth-helpers.js";
import { rateLimits, sessions, users } from "./engines/tables.js";
import { createTestDatabase, openSecondClient } from "./helpers.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noLockout = { enabled: false };

describe("sign-in rate limits", () => {
  let db: Database;
  let url: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ db, url, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  it("limits attempts per IP, answers RATE_LIMITED, and lets the window expire", async () => {
    const { auth } = await createTestAuth(
      { rateLimit: { signIn: { window: 1, perIP: 3, perAccount: 100 } }, lockout: noLockout },
      { db },
    );
    await register(auth, "ip-limit@example.com");
    const codes: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(errorCodeOf(await new Browser(auth, "192.0.2.10").signIn(`user${i}@example.com`, "wrong password")));
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]);
    // The right password from a limited address is refused too, without a session.
    const limited = new Browser(auth, "192.0.2.10");
    expect(errorCodeOf(await limited.signIn("ip-limit@example.com", PASSWORD))).toBe("RATE_LIMITED");
    expect(limited.sessionToken).toBeUndefined();
    // Another address is unaffected.
    const other = new Browser(auth, "192.0.2.11");
    await other.signIn("ip-limit@example.com", PASSWORD);
    expect(other.sessionToken).toBeDefined();

    await sleep(1_100);
    const later = new Browser(auth, "192.0.2.10");
    await later.signIn("ip-limit@example.com", PASSWORD);
    expect(later.sessionToken).toBeDefined();
  });

  it("counts IPv6 addresses per /64", async () => {
    const { auth } = await createTestAuth(
      { rateLimit: { signIn: { window: 60, perIP: 2, perAccount: 100 } }, lockout: noLockout },
      { db },
    );
    const codes: (string | null)[] = [];
    for (const ip of ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:0db8:0001:0002:0:0:0:77"]) {
      codes.push(errorCodeOf(await new Browser(auth, ip).signIn("v6@example.com", "wrong password")));
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]);
    expect(errorCodeOf(await new Browser(auth, "2001:db8:1:3::1").signIn("v6b@example.com", "wrong password"))).toBe(
      "INVALID_CREDENTIALS",
    );
  });

  it("limits attempts per account across addresses", async () => {
    const { auth } = await createTestAuth(
      { rateLimit: { signIn: { window: 60, perIP: 100, perAccount: 2 } }, lockout: noLockout },
      { db },
    );
    const codes: (string | null)[] = [];
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      codes.push(errorCodeOf(await new Browser(auth, ip).signIn("Target@Example.com", "wrong password")));
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]);
  });

  it("is one limit for two app instances sharing the database", async () => {
    const second = await openSecondClient({ db: db, url: url });
    try {
      const options = { rateLimit: { signIn: { window: 60, perIP: 4, perAccount: 100 } }, lockout: noLockout };
      const a = await createTestAuth(options, { db });
      const b = await createTestAuth(options, { db: second.db });
      const codes: (string | null)[] = [];
      for (let i = 0; i < 5; i++) {
        const instance = i % 2 === 0 ? a.auth : b.auth;
        codes.push(
          errorCodeOf(await new Browser(instance, "203.0.113.77").signIn(`s${i}@example.com`, "wrong password")),
        );
      }
      expect(codes.slice(0, 4)).toEqual(Array(4).fill("INVALID_CREDENTIALS"));
      expect(codes[4]).toBe("RATE_LIMITED");

      // Concurrent hits from both instances are all counted (atomic upserts).
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          new Browser(i % 2 ? a.auth : b.auth, "203.0.113.78").signIn(`burst${i}@example.com`, "wrong password"),
        ),
      );
      expect(burst.map(errorCodeOf).filter((code) => code === "RATE_LIMITED")).toHaveLength(6);
    } finally {
      second.close();
    }
  });

  it("keeps counters per process only with storage: memory (explicit opt-in)", async () => {
    const before = await db.select({ count: count() }).from(rateLimits);
    const options = {
      rateLimit: { storage: "memory" as const, signIn: { window: 60, perIP: 1, perAccount: 100 } },
      lockout: noLockout,
    };
    const a = await createTestAuth(options, { db });
    const b = await createTestAuth(options, { db });
    expect(errorCodeOf(await new Browser(a.auth, "192.0.2.99").signIn("m1@example.com", "x"))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(errorCodeOf(await new Browser(a.auth, "192.0.2.99").signIn("m2@example.com", "x"))).toBe("RATE_LIMITED");
    // The other instance has its own counters.
    expect(errorCodeOf(await new Browser(b.auth, "192.0.2.99").signIn("m3@example.com", "x"))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(await db.select({ count: count() }).from(rateLimits)).toEqual(before);
  });

  it("stores hashes of addresses and emails, not the values", async () => {
    const keys = (await db.select({ key: rateLimits.key }).from(rateLimits)).map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^(sign-in|register|email):(ip|account):[0-9a-f]{64}$|^lockout:[0-9a-f]{64}$/);
    }
  });
});

describe("per-account lockout", () => {
  let db: Database;
  let url: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ db, url, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  it("locks after repeated failures (even for the right password), backs off, and unlocks", async () => {
    const { auth } = await createTestAuth(
      { lockout: { threshold: 3, baseSeconds: 1, maxSeconds: 4 }, rateLimit: { signIn: { perAccount: 1000 } } },
      { db },
    );
    await register(auth, "lock@example.com");
    const attempt = async (password: string) => {
      const browser = new Browser(auth, "203.0.113.5");
      const response = await browser.signIn("lock@example.com", password);
      return { code: errorCodeOf(response), signedIn: Boolean(browser.sessionToken) };
    };
    for (let i = 0; i < 3; i++) expect((await attempt("wrong password")).code).toBe("INVALID_CREDENTIALS");
    expect(await attempt(PASSWORD)).toEqual({ code: "ACCOUNT_LOCKED", signedIn: false });

    await sleep(1_100);
    // One more failure after the first lock: the next lock is twice as long.
    expect((await attempt("wrong password")).code).toBe("INVALID_CREDENTIALS");
    await sleep(1_100);
    expect((await attempt(PASSWORD)).code).toBe("ACCOUNT_LOCKED");
    await sleep(1_000);
    // A success clears the failures.
    expect(await attempt(PASSWORD)).toEqual({ code: null, signedIn: true });
    expect((await attempt("wrong password")).code).toBe("INVALID_CREDENTIALS");
    expect(await attempt(PASSWORD)).toEqual({ code: null, signedIn: true });
  });

  it("locks unknown emails the same way, so a lock reveals nothing", async () => {
    const { auth } = await createTestAuth({ lockout: { threshold: 2, baseSeconds: 30 } }, { db });
    const codes: (string | null)[] = [];
    for (let i = 0; i < 3; i++)
      codes.push(errorCodeOf(await new Browser(auth).signIn("ghost@example.com", "whatever!")));
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "ACCOUNT_LOCKED"]);
  });

  /** The lockout row of an account (unknown browsers): its failure count, or null without a row. */
  async function lockoutCount(email: string): Promise<number | null> {
    const key = `lockout:${createHash("sha256").update(email).digest("hex")}`;
    const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key));
    return row ? row.count : null;
  }

  // Sign-in counts its rate limits and reserves its lockout attempt in one round trip (one
  // batch, one PostgreSQL statement): the reservation must still wait for the rate limits.
  it("does not count a rate-limited attempt toward the lockout", async () => {
    const { auth } = await createTestAuth(
      { lockout: { threshold: 3, baseSeconds: 60 }, rateLimit: { signIn: { window: 1, perAccount: 2, perIP: 100 } } },
      { db },
    );
    await register(auth, "limited-lock@example.com");
    const codes: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        errorCodeOf(
          await new Browser(auth, `203.0.113.${40 + i}`).signIn("limited-lock@example.com", "wrong password"),
        ),
      );
    }
    expect(codes).toEqual([
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "RATE_LIMITED",
      "RATE_LIMITED",
      "RATE_LIMITED",
    ]);
    // Only the two checked passwords count; counted as failures, the three refused ones would have locked the owner out.
    expect(await lockoutCount("limited-lock@example.com")).toBe(2);
    await sleep(1_100);
    const owner = new Browser(auth, "203.0.113.60");
    expect(errorCodeOf(await owner.signIn("limited-lock@example.com", PASSWORD))).toBeNull();
    expect(owner.sessionToken).toBeDefined();
    expect(await lockoutCount("limited-lock@example.com")).toBeNull();
  });

  // A right password forgets the failures in the round trip of the session row; when no session
  // row follows, at the end of the request.
  it("forgets the failures after a right password, also when the sign-in is then refused", async () => {
    const refusing = await createTestAuth(
      {
        lockout: { threshold: 3, baseSeconds: 60 },
        api: {},
        callbacks: { signIn: ({ user }) => user.email !== "refused-lock@example.com" },
      },
      { db },
    );
    const unverified = await createTestAuth(
      {
        lockout: { threshold: 3, baseSeconds: 60 },
        api: {},
        emailVerification: { required: true },
        sendEmail: async () => undefined,
      },
      { db },
    );
    const jwt = await createTestAuth(
      { lockout: { threshold: 3, baseSeconds: 60 }, session: { strategy: "jwt" } },
      { db },
    );
    const apiSignIn = (auth: typeof refusing.auth, email: string, password: string) =>
      auth.apiHandlers.POST(
        new Request("http://localhost:3000/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.61" },
          body: JSON.stringify({ email, password }),
        }),
      );
    const cases = [
      { email: "refused-lock@example.com", auth: refusing.auth },
      { email: "unverified-lock@example.com", auth: unverified.auth },
    ];
    for (const { email, auth } of cases) {
      await register(auth, email);
      for (const via of ["route", "api"] as const) {
        for (let i = 0; i < 2; i++) await new Browser(auth, "203.0.113.62").signIn(email, "wrong password");
        expect(await lockoutCount(email)).toBe(2);
        const response =
          via === "route"
            ? await new Browser(auth, "203.0.113.63").signIn(email, PASSWORD)
            : await apiSignIn(auth, email, PASSWORD);
        expect(response.status, `${email} via ${via}`).toBeGreaterThanOrEqual(300);
        expect(await lockoutCount(email), `${email} via ${via}`).toBeNull();
      }
    }
    // The JWT strategy creates no session row: the failures go at the end of the request.
    await register(jwt.auth, "jwt-lock@example.com");
    for (let i = 0; i < 2; i++)
      await new Browser(jwt.auth, "203.0.113.64").signIn("jwt-lock@example.com", "wrong password");
    expect(await lockoutCount("jwt-lock@example.com")).toBe(2);
    const browser = new Browser(jwt.auth, "203.0.113.65");
    expect(errorCodeOf(await browser.signIn("jwt-lock@example.com", PASSWORD))).toBeNull();
    expect(browser.sessionToken).toBeDefined();
    expect(await lockoutCount("jwt-lock@example.com")).toBeNull();
  });

  it("is shared by two app instances on one database", async () => {
    const second = await openSecondClient({ db: db, url: url });
    try {
      const options = { lockout: { threshold: 2, baseSeconds: 30 } };
      const a = await createTestAuth(options, { db });
      const b = await createTestAuth(options, { db: second.db });
      await register(a.auth, "shared-lock@example.com");
      await new Browser(a.auth).signIn("shared-lock@example.com", "wrong password");
      await new Browser(b.auth).signIn("shared-lock@example.com", "wrong password");
      expect(errorCodeOf(await new Browser(a.auth).signIn("shared-lock@example.com", PASSWORD))).toBe("ACCOUNT_LOCKED");
      expect(errorCodeOf(await new Browser(b.auth).signIn("shared-lock@example.com", PASSWORD))).toBe("ACCOUNT_LOCKED");
      const key = `lockout:${createHash("sha256").update("shared-lock@example.com").digest("hex")}`;
      const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key));
      expect(row?.count).toBe(2);
      expect(row?.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 25_000);
    } finally {
      second.close();
    }
  });
});

describe("prune", () => {
  it("deletes expired sessions and dead rate-limit rows, and nothing alive", async () => {
    const { auth, db, cleanup } = await createTestAuth({
      rateLimit: { signIn: { window: 1, perIP: 100, perAccount: 100 } },
      lockout: { threshold: 1, baseSeconds: 60 },
    });
    try {
      await register(auth, "prune@example.com");
      const live = new Browser(auth);
      await live.signIn("prune@example.com", PASSWORD);
      const dead = new Browser(auth);
      await dead.signIn("prune@example.com", PASSWORD);
      await db
        .update(sessions)
        .set({ expires: new Date(Date.now() - 1000) })
        .where(eq(sessions.sessionToken, hashSessionToken(dead.sessionToken ?? "")));
      // A live lockout (60 s) and sign-in counters whose 1 s window is about to end.
      await new Browser(auth).signIn("locked-prune@example.com", "wrong password");
      await sleep(1_100);
      const result = await auth.prune();
      expect(result.sessions).toBe(1);
      expect(result.rateLimits).toBeGreaterThanOrEqual(2);
      const remaining = await db.select().from(rateLimits);
      // The 1 s sign-in windows are gone; the live lock and the hour-long register window (per account; no IP was given) stay.
      expect(remaining.map((row) => row.key.split(":")[0]).sort()).toEqual(["lockout", "register"]);
      expect(await live.session()).not.toBeNull();
    } finally {
      cleanup();
    }
  });
});

describe("registration rate limit", () => {
  it("throws RateLimitError with retryAfter, per account and per IP", async () => {
    const { auth, cleanup } = await createTestAuth({
      rateLimit: { register: { window: 600, perIP: 3, perAccount: 2 } },
    });
    try {
      await auth.registerUser({ email: "r@example.com", password: PASSWORD }, { ip: "192.0.2.200" });
      const taken = await auth
        .registerUser({ email: "r@example.com", password: PASSWORD }, { ip: "192.0.2.201" })
        .catch((e) => e);
      expect(isTetrastackError(taken, "CONFLICT")).toBe(true);
      const limited = await auth
        .registerUser({ email: "R@example.com", password: PASSWORD }, { ip: "192.0.2.202" })
        .catch((e) => e);
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.retryAfter).toBeGreaterThan(590);
      expect(limited.retryAfter).toBeLessThanOrEqual(600);
      expect(limited.toJSON()).toMatchObject({ code: "RATE_LIMITED", retryAfter: limited.retryAfter });

      for (const email of ["p1@example.com", "p2@example.com"]) {
        await auth.registerUser({ email, password: PASSWORD }, { ip: "192.0.2.250" });
      }
      await auth.registerUser({ email: "p3@example.com", password: PASSWORD }, { ip: "192.0.2.250" });
      const perIP = await auth
        .registerUser({ email: "p4@example.com", password: PASSWORD }, { ip: "192.0.2.250" })
        .catch((e) => e);
      expect(isTetrastackError(perIP, "RATE_LIMITED")).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe("prune at scale", () => {
  it("deletes thousands of expired sessions in bounded batches, keeping live ones", async () => {
    const { auth, db, cleanup } = await createTestAuth();
    try {
      const [user] = await db.insert(users).values({ email: "many@example.com" }).returning();
      if (!user) throw new Error("no user");
      const past = new Date(Date.now() - 60_000);
      const rows = Array.from({ length: 1_201 }, (_, i) => ({
        sessionToken: `expired-${i}`,
        userId: user.id,
        expires: past,
      }));
      for (let i = 0; i < rows.length; i += 400) await db.insert(sessions).values(rows.slice(i, i + 400));
      await db
        .insert(sessions)
        .values({ sessionToken: "live", userId: user.id, expires: new Date(Date.now() + 60_000) });
      const result = await auth.prune();
      expect(result.sessions).toBe(1_201);
      expect((await db.select({ token: sessions.sessionToken }).from(sessions)).map((row) => row.token)).toEqual([
        "live",
      ]);
    } finally {
      cleanup();
    }
  });
});

describe("deleteInBatches", () => {
  it("deletes until a batch comes back short, yielding to the event loop in between", async () => {
    let remaining = 1_234;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const total = await deleteInBatches(async (limit) => {
      const deleted = Math.min(limit, remaining);
      remaining -= deleted;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return deleted;
    });
    clearInterval(ticker);
    expect(total).toBe(1_234);
    expect(remaining).toBe(0);
    expect(ticks).toBeGreaterThan(0);
  });

  it("shrinks batches that take too long and grows quick ones, within bounds", async () => {
    const limits: number[] = [];
    let remaining = 5_000;
    const busy = (ms: number): void => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    // A slow store: 0.1 ms a row, so only ~50 rows fit in the 5 ms target.
    await deleteInBatches(async (limit) => {
      limits.push(limit);
      const deleted = Math.min(limit, remaining);
      remaining -= deleted;
      busy(deleted * 0.1);
      return deleted;
    });
    expect(limits[0]).toBe(200);
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(10);
    expect(limits.at(-2)).toBeLessThanOrEqual(100);
    // A fast store grows the batch up to the maximum.
    const fast: number[] = [];
    let left = 20_000;
    await deleteInBatches(async (limit) => {
      fast.push(limit);
      const deleted = Math.min(limit, left);
      left -= deleted;
      return deleted;
    });
    expect(Math.max(...fast)).toBe(2000);
  });
});

import { availableParallelism } from "node:os";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  isTetrastackError,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
} from "../src/auth/index.js";
import { scryptSlots } from "../src/auth/password/hash.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, errorCodeOf, FAST_SCRYPT, PASSWORD, register } from "./auth-helpers.js";
import { accounts } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";

describe("hashPassword / verifyPassword with the default (OWASP) parameters", () => {
  let stored: string;
  let elapsed: number;

  beforeAll(async () => {
    const start = performance.now();
    stored = await hashPassword(PASSWORD);
    elapsed = performance.now() - start;
    console.info(`one scrypt hash (ln=17, r=8, p=1, 32-byte key) took ${elapsed.toFixed(0)} ms on this machine`);
  });

  it("produces a PHC string that records the parameters and a random salt", async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toMatchObject({ ln: 17, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parsePasswordHash(stored)).toMatchObject({ ln: 17, r: 8, p: 1 });
    expect(await hashPassword(PASSWORD, { ...DEFAULT_SCRYPT_PARAMS, ln: 10 })).not.toBe(stored);
    // Real work, not a stub: 128 MiB of scrypt takes a noticeable time.
    expect(elapsed).toBeGreaterThan(30);
  });

  it("verifies the right password and rejects a wrong one", async () => {
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("hashes off the event loop: timers keep firing during a hash", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await hashPassword(PASSWORD);
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});

describe("password hash format", () => {
  it("rejects malformed or dangerous stored hashes without throwing", async () => {
    const fast = await hashPassword(PASSWORD, { ...DEFAULT_SCRYPT_PARAMS, ln: 10 });
    const [, , , salt, key] = fast.split("$");
    for (const bad of [
      "",
      "plain-text-password",
      "$2b$10$abcdefghijklmnopqrstuv",
      `$scrypt$ln=30,r=8,p=1$${salt}$${key}`, // would need 128 GiB
      `$scrypt$ln=10,r=8,p=1$${salt}$`,
      `$scrypt$ln=10,r=8,p=1$$${key}`,
    ]) {
      expect(parsePasswordHash(bad)).toBeNull();
      expect(await verifyPassword(PASSWORD, bad)).toBe(false);
    }
  });

  it("normalises to NFKC, so visually equal passwords match", async () => {
    const stored = await hashPassword("ｐａｓｓｗｏｒｄ１２３", { ...DEFAULT_SCRYPT_PARAMS, ln: 10 });
    expect(await verifyPassword("password123", stored)).toBe(true);
    // Composed and decomposed accents are the same password.
    const accented = await hashPassword("caf\u00e9 au lait", { ...DEFAULT_SCRYPT_PARAMS, ln: 10 });
    expect(await verifyPassword("cafe\u0301 au lait", accented)).toBe(true);
  });

  it("needsRehash is true only for weaker or differently sized hashes", async () => {
    const weak = await hashPassword(PASSWORD, { ...DEFAULT_SCRYPT_PARAMS, ln: 10 });
    const current = { ...DEFAULT_SCRYPT_PARAMS, ln: 11 };
    expect(needsRehash(weak, current)).toBe(true);
    expect(needsRehash(await hashPassword(PASSWORD, current), current)).toBe(false);
    expect(needsRehash(await hashPassword(PASSWORD, { ...current, ln: 12 }), current)).toBe(false);
    expect(needsRehash(await hashPassword(PASSWORD, { ...current, keyLength: 64 }), current)).toBe(true);
    expect(needsRehash("garbage", current)).toBe(true);
  });
});

describe("credentials sign-in and hashing", () => {
  let db: Database;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  const storedHash = async (userId: string) => {
    const [row] = await db
      .select({ passwordHash: accounts.passwordHash })
      .from(accounts)
      .where(and(eq(accounts.userId, userId), eq(accounts.provider, "credentials")));
    return row?.passwordHash ?? "";
  };

  it("rehashes at sign-in when the stored hash is weaker than the current setting", async () => {
    const old = await createTestAuth({ password: { scrypt: { ln: 10 } } }, { db });
    const userId = await register(old.auth, "rehash@example.com");
    expect(await storedHash(userId)).toMatch(/^\$scrypt\$ln=10,/);

    const raised = await createTestAuth({ password: { scrypt: { ln: 12 } } }, { db });
    // A wrong password changes nothing.
    const wrong = await new Browser(raised.auth).signIn("rehash@example.com", "wrong password");
    expect(errorCodeOf(wrong)).toBe("INVALID_CREDENTIALS");
    expect(await storedHash(userId)).toMatch(/^\$scrypt\$ln=10,/);

    const browser = new Browser(raised.auth);
    await browser.signIn("rehash@example.com", PASSWORD);
    expect(await browser.session()).toMatchObject({ user: { id: userId } });
    const upgraded = await storedHash(userId);
    expect(upgraded).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$/);
    expect(await verifyPassword(PASSWORD, upgraded)).toBe(true);

    // The old instance still verifies the stronger hash (parameters travel with it).
    const again = new Browser(old.auth);
    await again.signIn("rehash@example.com", PASSWORD);
    expect(await again.session()).toMatchObject({ user: { id: userId } });
    expect(await storedHash(userId)).toBe(upgraded);
  });

  it("costs one default-strength hash for an unknown email, as for a wrong password", async () => {
    // The one sign-in test on the default parameters (ln=17).
    const { auth } = await createTestAuth({ password: { scrypt: DEFAULT_SCRYPT_PARAMS } }, { db });
    await register(auth, "timing@example.com");
    const attempt = async (email: string, ip: string): Promise<number> => {
      const browser = new Browser(auth, ip);
      const start = performance.now();
      const response = await browser.signIn(email, "definitely wrong");
      expect(errorCodeOf(response)).toBe("INVALID_CREDENTIALS");
      return performance.now() - start;
    };
    const wrong = [await attempt("timing@example.com", "192.0.2.1"), await attempt("timing@example.com", "192.0.2.2")];
    const unknown = [await attempt("ghost@example.com", "192.0.2.3"), await attempt("ghost@example.com", "192.0.2.4")];
    const [wrongMs, unknownMs] = [Math.min(...wrong), Math.min(...unknown)];
    console.info(
      `sign-in failure at ln=17: wrong password ${wrongMs.toFixed(0)} ms, unknown email ${unknownMs.toFixed(0)} ms`,
    );
    expect(unknownMs).toBeGreaterThan(wrongMs * 0.6);
    expect(unknownMs).toBeLessThan(wrongMs * 1.6);
  });

  it("applies the password policy at registration, and only the length bound at sign-in", async () => {
    const { auth } = await createTestAuth({ password: { minLength: 12, maxLength: 64, scrypt: FAST_SCRYPT } }, { db });
    const tooShort = await auth
      .registerUser({ email: "short@example.com", password: "elevenchars" }, { ip: null })
      .catch((e) => e);
    expect(isTetrastackError(tooShort, "VALIDATION_FAILED")).toBe(true);
    expect(tooShort.issues).toEqual([{ path: "password", message: "must be at least 12 characters" }]);
    const tooLong = await auth
      .registerUser({ email: "long@example.com", password: "x".repeat(65) }, { ip: null })
      .catch((e) => e);
    expect(tooLong.issues).toEqual([{ path: "password", message: "must be at most 64 characters" }]);
    // 64 code points, even if they are astral (two UTF-16 units each), are fine.
    const emoji = "😀".repeat(64);
    expect(
      (await auth.registerUser({ email: "emoji@example.com", password: emoji }, { ip: null })).user,
    ).not.toBeNull();
    const browser = new Browser(auth);
    await browser.signIn("emoji@example.com", emoji);
    expect(await browser.session()).not.toBeNull();

    // A megabyte is refused before any hashing, at registration and at sign-in.
    const huge = "p".repeat(1_000_000);
    let start = performance.now();
    const rejected = await auth
      .registerUser({ email: "huge@example.com", password: huge }, { ip: null })
      .catch((e) => e);
    expect(isTetrastackError(rejected, "VALIDATION_FAILED")).toBe(true);
    start = performance.now();
    const response = await new Browser(auth).signIn("emoji@example.com", huge);
    expect(errorCodeOf(response)).toBe("INVALID_CREDENTIALS");
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

describe("scrypt concurrency", () => {
  it("runs at most one derivation per spare core and queues the rest, all completing", async () => {
    const params = { ...DEFAULT_SCRYPT_PARAMS, ln: 12 };
    const pending = Array.from({ length: 6 }, (_, i) => hashPassword(`password number ${i}`, params));
    const slots = scryptSlots();
    expect(slots.max).toBe(Math.max(1, availableParallelism() - 1));
    expect(slots.running).toBe(Math.min(6, slots.max));
    expect(slots.waiting).toBe(6 - slots.running);
    const hashes = await Promise.all(pending);
    for (const [i, hash] of hashes.entries()) expect(await verifyPassword(`password number ${i}`, hash)).toBe(true);
    expect(scryptSlots()).toMatchObject({ running: 0, waiting: 0 });
  });
});

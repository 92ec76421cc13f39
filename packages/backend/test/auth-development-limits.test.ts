// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Auth, type AuthOptions, createAuth, isTetrastackError } from "../src/auth/index.js";
import { lockoutOptionsSchema, rateLimitOptionsSchema } from "../src/auth/limits/options.js";
import type { Database } from "../src/database/index.js";
import { Browser, errorCodeOf, FAST_SCRYPT, ORIGIN, recordingLogger, register, TEST_SECRET } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";
import { captureMail } from "./lifecycle-helpers.js";

/**
 * Development (NODE_ENV !== "production") gets budgets and a lockout threshold 10 times the
 * production defaults, and a hint when a limit trips anyway; production never does.
 * @see /tmp/issues/16.md (item 3: "development hits the production rate limits with no hint")
 */

const PRODUCTION = {
  signIn: { window: 300, perIP: 30, perAccount: 10, perUnknownIP: 300 },
  register: { window: 3600, perIP: 10, perAccount: 5, perUnknownIP: 100 },
  email: { window: 900, perIP: 10, perAccount: 3, perUnknownIP: 100 },
  confirm: { window: 900, perIP: 30, perAccount: 10, perUnknownIP: 300 },
};

function times10(rule: (typeof PRODUCTION)["signIn"]) {
  return {
    window: rule.window,
    perIP: rule.perIP * 10,
    perAccount: rule.perAccount * 10,
    perUnknownIP: rule.perIP * 100,
  };
}

afterEach(() => vi.unstubAllEnvs());

describe("the default budgets", () => {
  it("are the documented ones under NODE_ENV=production, at `next start` and during `next build`", () => {
    for (const phase of [undefined, "phase-production-build"]) {
      vi.stubEnv("NODE_ENV", "production");
      vi.stubEnv("NEXT_PHASE", phase);
      expect(rateLimitOptionsSchema.parse({})).toMatchObject(PRODUCTION);
      expect(lockoutOptionsSchema.parse({}).threshold).toBe(5);
    }
  });

  it("are 10 times larger in development and in tests, with the lockout after 50 failures", () => {
    for (const mode of ["development", "test"]) {
      vi.stubEnv("NODE_ENV", mode);
      expect(rateLimitOptionsSchema.parse({})).toMatchObject({
        signIn: times10(PRODUCTION.signIn),
        register: times10(PRODUCTION.register),
        email: times10(PRODUCTION.email),
        confirm: times10(PRODUCTION.confirm),
      });
      expect(lockoutOptionsSchema.parse({}).threshold).toBe(50);
    }
  });

  it("never change a value you set, in either mode", () => {
    for (const mode of ["production", "development"]) {
      vi.stubEnv("NODE_ENV", mode);
      expect(rateLimitOptionsSchema.parse({ signIn: { perIP: 7, perAccount: 2 } }).signIn).toEqual({
        window: 300,
        perIP: 7,
        perAccount: 2,
        perUnknownIP: 70,
      });
      expect(lockoutOptionsSchema.parse({ threshold: 3 }).threshold).toBe(3);
    }
  });
});

describe("createAuth's limits, end to end", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  /** createAuth as an app writes it (no limits set), created and used under `mode`. */
  function appAuth(mode: "production" | "development", extra: Partial<AuthOptions> = {}) {
    vi.stubEnv("NODE_ENV", mode);
    vi.stubEnv("NEXT_PHASE", undefined);
    const { errors, logger } = recordingLogger();
    const mail = captureMail();
    const auth = createAuth({
      db,
      secret: TEST_SECRET,
      trustHost: true,
      logger,
      sendEmail: mail.sendEmail,
      baseURL: ORIGIN,
      rateLimit: { clientIP: { forwardedHops: 1 } },
      // Production refuses scrypt below OWASP's minimum; nothing below hashes in production.
      password: { scrypt: mode === "production" ? { ln: 17, r: 8, p: 1 } : FAST_SCRYPT },
      ...extra,
    });
    const hints = () => errors.map((error) => error.message).filter((message) => message.includes("Development:"));
    return { auth, mail, hints };
  }

  async function resetRequests(auth: Auth, email: string, count: number): Promise<string[]> {
    const outcomes: string[] = [];
    for (let i = 0; i < count; i++) {
      const error = await auth.requestPasswordReset(email).then(
        () => null,
        (e: unknown) => e,
      );
      outcomes.push(isTetrastackError(error) ? error.code : error === null ? "ok" : String(error));
    }
    return outcomes;
  }

  it("production: the 4th reset mail to one address in 15 minutes is refused, and nothing hints", async () => {
    const { auth, mail, hints } = appAuth("production");
    expect(await resetRequests(auth, "prod@example.com", 4)).toEqual(["ok", "ok", "ok", "RATE_LIMITED"]);
    expect(mail.sent).toHaveLength(0); // no such account: the same answer, and no mail
    expect(hints()).toEqual([]);
  });

  it("development: 30 reset mails to one address pass; the 31st is refused with a one-time hint", async () => {
    const { auth, hints } = appAuth("development");
    const outcomes = await resetRequests(auth, "dev@example.com", 32);
    expect(outcomes.slice(0, 30).every((outcome) => outcome === "ok")).toBe(true);
    expect(outcomes.slice(30)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    const [hint, ...more] = hints();
    expect(more).toEqual([]);
    expect(hint).toContain("rateLimit.email");
    expect(hint).toContain("production");
    expect(hint).toContain("rateLimit: { enabled: false }");
    expect(hint).not.toContain("dev@example.com");
  });

  it("development: 10 wrong passwords do not lock the account; a lock that trips says so once", async () => {
    const { auth } = appAuth("development");
    await register(auth, "typo@example.com");
    const codes: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(errorCodeOf(await new Browser(auth, `192.0.2.${i + 1}`).signIn("typo@example.com", "wrong password")));
    }
    expect(new Set(codes)).toEqual(new Set(["INVALID_CREDENTIALS"]));

    const strict = appAuth("development", { lockout: { threshold: 2 } });
    await register(strict.auth, "strict@example.com");
    const attempt = async () =>
      errorCodeOf(await new Browser(strict.auth, "192.0.2.99").signIn("strict@example.com", "wrong password"));
    expect([await attempt(), await attempt(), await attempt(), await attempt()]).toEqual([
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "ACCOUNT_LOCKED",
      "ACCOUNT_LOCKED",
    ]);
    const lockHints = strict.hints().filter((hint) => hint.includes("lockout.threshold"));
    expect(lockHints).toHaveLength(1);
    expect(lockHints[0]).toContain("locked after 2 wrong passwords");
  });
});

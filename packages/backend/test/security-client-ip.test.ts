import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Auth, createAuth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, errorCodeOf, recordingLogger, TEST_SECRET } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";

// Per-IP limits and the client address, through the real Auth.js credentials route. Route
// handlers and server actions cannot see the socket, and `next start` keeps the X-Forwarded-For
// a client sends, so only a proxy the app names can say who the client is.
// @see issue 10, finding 6

describe("client address for rate limits", () => {
  // A database per test: the shared bucket of unknown clients is one row, whatever the instance.
  let db: Database;
  let cleanup: () => void;
  beforeEach(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllEnvs();
  });

  /** A browser whose X-Real-IP is `realIP` and whose X-Forwarded-For is `forwarded` (its own address by default). */
  function forger(auth: Auth, realIP: string, forwarded = realIP): Browser {
    const browser = new Browser(auth, forwarded);
    const original = browser.makeRequest.bind(browser);
    browser.makeRequest = (method, path, body) => {
      const request = original(method, path, body);
      request.headers.set("x-real-ip", realIP);
      return request;
    };
    return browser;
  }

  it("puts clients whose address cannot be trusted in one shared bucket: rotating headers buys nothing", async () => {
    // No clientIP and no platform detected: X-Forwarded-For is whatever the client wrote.
    const { auth } = await createTestAuth(
      {
        rateLimit: { clientIP: undefined, signIn: { perIP: 2, perUnknownIP: 5, perAccount: 100 } },
        lockout: { enabled: false },
      },
      { db },
    );
    const codes: (string | null)[] = [];
    for (let i = 0; i < 7; i++) {
      // A fresh, plausible address each time, and some that do not parse at all.
      const forged = i % 2 ? `203.0.113.${i + 1}` : `<garbage ${i}>`;
      codes.push(errorCodeOf(await forger(auth, forged).signIn(`rotate${i}@example.com`, "wrong password")));
    }
    expect(codes).toEqual([...Array(5).fill("INVALID_CREDENTIALS"), "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("counts a header that does not parse in the shared bucket, never as 'no limit'", async () => {
    const { auth } = await createTestAuth(
      {
        rateLimit: { clientIP: { forwardedHops: 1 }, signIn: { perIP: 100, perUnknownIP: 2, perAccount: 100 } },
        lockout: { enabled: false },
      },
      { db },
    );
    const codes: (string | null)[] = [];
    for (const garbage of ["not-an-ip", "999.1.1.1", "1.2.3"]) {
      codes.push(errorCodeOf(await new Browser(auth, garbage).signIn(`garble-${garbage}@example.com`, "wrong pw")));
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]);
    // A real address behind the proxy has its own bucket.
    expect(errorCodeOf(await new Browser(auth, "198.51.100.9").signIn("garble-real@example.com", "wrong pw"))).toBe(
      "INVALID_CREDENTIALS",
    );
  });

  it("on Vercel (detected from VERCEL=1) trusts X-Real-IP, not X-Forwarded-For", async () => {
    vi.stubEnv("VERCEL", "1");
    const { auth } = await createTestAuth(
      { rateLimit: { clientIP: undefined, signIn: { perIP: 1, perAccount: 100 } }, lockout: { enabled: false } },
      { db },
    );
    // The same client behind Vercel's edge, whatever it writes into X-Forwarded-For.
    expect(errorCodeOf(await forger(auth, "203.0.113.60", "192.0.2.1").signIn("v1@example.com", "wrong pw"))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(errorCodeOf(await forger(auth, "203.0.113.60", "192.0.2.2").signIn("v2@example.com", "wrong pw"))).toBe(
      "RATE_LIMITED",
    );
    expect(errorCodeOf(await forger(auth, "203.0.113.61", "192.0.2.2").signIn("v3@example.com", "wrong pw"))).toBe(
      "INVALID_CREDENTIALS",
    );
  });

  it("warns once, in production, when per-IP limits cannot be effective", async () => {
    vi.stubEnv("NODE_ENV", "production");
    for (const name of ["VERCEL", "NETLIFY", "FLY_APP_NAME"]) vi.stubEnv(name, "");
    const { errors, logger } = recordingLogger();
    const make = () => createAuth({ db, secret: TEST_SECRET, sendEmail: false, logger });
    make();
    make();
    const warnings = errors.filter((error) => error.message.includes("per-IP limits are not effective"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("rateLimit.clientIP");
    // Naming the platform silences it.
    const before = errors.length;
    createAuth({ db, secret: TEST_SECRET, sendEmail: false, logger, rateLimit: { clientIP: "cloudflare" } });
    expect(errors.length).toBe(before);
  });
});

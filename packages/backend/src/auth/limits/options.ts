import * as z from "zod";
import { fnSchema as fn, secondsSchema as seconds } from "../../shared/schemas.js";
import type { ClientIPSource } from "./client-ip.js";
import { budget, DEFAULT_LOCKOUT_THRESHOLD } from "./development.js";

/** One rate limit: at most `perIP` and `perAccount` attempts in each window of `window` seconds. */
export interface RateLimitRule {
  /** Window length in seconds. */
  window?: number;
  /** Attempts allowed per client address (IPv6 counted per /64) in one window. */
  perIP?: number;
  /** Attempts allowed per email address in one window. */
  perAccount?: number;
  /**
   * Attempts allowed in one window from all clients whose address is unknown, together: when
   * `rateLimit.clientIP` names no proxy the app runs behind, or the proxy's header does not hold
   * an address. They share one bucket, so a client cannot escape its limit by sending forged or
   * garbled headers; it is larger than `perIP` because many real users may land in it.
   * @default 10 × perIP
   */
  perUnknownIP?: number;
}

/**
 * Rate limits on sign-in, registration and email sending. The default budgets (`perIP`,
 * `perAccount`) are the documented ones when NODE_ENV=production (`next build`, `next start`)
 * and 10 times larger otherwise (`next dev`, tests), so a developer testing sign-ups does not
 * hit them; a limit that trips in development says so once in the log. Values you set are
 * used as they are everywhere.
 */
export interface RateLimitOptions {
  /**
   * Turn every limit off (not advisable outside tests).
   * @default true
   */
  enabled?: boolean;
  /**
   * `"database"` counts in the `rate_limits` table, so every app instance on the database shares
   * one limit. `"memory"` counts per process: an explicit opt-in for single-instance apps.
   * @default "database"
   */
  storage?: "database" | "memory";
  /**
   * Credentials sign-in attempts, successful or not.
   * @default `{ window: 300, perIP: 30, perAccount: 10 }` in production; `perIP` and `perAccount` 10 times that in development
   */
  signIn?: RateLimitRule;
  /**
   * `registerUser` calls.
   * @default `{ window: 3600, perIP: 10, perAccount: 5 }` in production; `perIP` and `perAccount` 10 times that in development
   */
  register?: RateLimitRule;
  /**
   * Every request that sends a mail: sign-in links (`sendSignInLink` and Auth.js email
   * providers), `requestEmailVerification`, `requestPasswordReset`, `requestEmailChange`,
   * `requestAccountDeletion`. Checked before the mail goes out; per IP across all of them, per
   * recipient for each flow separately.
   * @default `{ window: 900, perIP: 10, perAccount: 3 }` in production; `perIP` and `perAccount` 10 times that in development
   */
  email?: RateLimitRule;
  /**
   * Confirming a one-time link (`verifyEmail`, `resetPassword`, `confirmEmailChange`,
   * `confirmAccountDeletion`) and `deleteAccount`; per IP, and per account when signed in.
   * @default `{ window: 900, perIP: 30, perAccount: 10 }` in production; `perIP` and `perAccount` 10 times that in development
   */
  confirm?: RateLimitRule;
  /**
   * Where the app runs, which decides how the client address is found for the per-IP limits:
   * `"vercel"`, `"cloudflare"`, `"netlify"`, `"fly"`, `{ forwardedHops: n }` (behind `n` reverse
   * proxies that append to `X-Forwarded-For`), `"direct"` (nothing in front of the app), or your
   * own function. Only what that proxy guarantees is read. A client whose address cannot be
   * trusted counts in one shared bucket (`perUnknownIP`), never in a bucket of its own choosing.
   * Next.js's route handlers and server actions cannot see the socket, and `next start` keeps an
   * `X-Forwarded-For` the client sent, so without a proxy the address cannot be known at all.
   * @default detected on Vercel, Netlify and Fly.io; elsewhere every client is unknown (and a
   * production start logs a warning that per-IP limits are not effective)
   */
  clientIP?: ClientIPSource;
}

/** Per-account lockout after consecutive failed sign-ins. */
export interface LockoutOptions {
  /**
   * Turn the lockout off.
   * @default true
   */
  enabled?: boolean;
  /**
   * Consecutive failures that lock the account.
   * @default 5 in production; 50 in development (NODE_ENV !== "production"), where a lock that
   * trips says so once in the log
   */
  threshold?: number;
  /**
   * Seconds of the first lock; each further failure doubles it.
   * @default 30
   */
  baseSeconds?: number;
  /**
   * Longest lock, in seconds.
   * @default 3600
   */
  maxSeconds?: number;
  /**
   * Seconds without a failure after which the failures are forgotten.
   * @default 86400
   */
  resetAfterSeconds?: number;
  /**
   * OWASP's "device cookies": a browser that signed in to an account before gets a signed cookie,
   * and its attempts have their own rate limit and lockout. The account-wide lock (and budget)
   * then applies to unknown devices only, so an attacker hammering the account from anywhere
   * cannot keep the owner's own browser out. A password reset or a sign-in link marks the browser
   * known too, so the owner always has a way back in.
   * @default true
   */
  knownDevices?: boolean;
  /**
   * Seconds a known-device cookie lasts.
   * @default 15552000 (180 days)
   */
  knownDeviceMaxAge?: number;
}

const rateRule = (window: number, perIP: number, perAccount: number) =>
  z
    .strictObject({
      window: seconds(1, 7 * 24 * 60 * 60, window),
      perIP: z.number().int().min(1).default(budget(perIP)),
      perAccount: z.number().int().min(1).default(budget(perAccount)),
      perUnknownIP: z.number().int().min(1).optional(),
    })
    .transform(({ perUnknownIP, ...rule }) => ({ ...rule, perUnknownIP: perUnknownIP ?? rule.perIP * 10 }))
    .prefault({});

/** @internal Validation of {@link RateLimitOptions}. */
export const rateLimitOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    storage: z.enum(["database", "memory"]).default("database"),
    signIn: rateRule(300, 30, 10),
    register: rateRule(3600, 10, 5),
    email: rateRule(900, 10, 3),
    confirm: rateRule(900, 30, 10),
    clientIP: z
      .union([
        z.enum(["vercel", "cloudflare", "netlify", "fly", "direct"]),
        z.strictObject({ forwardedHops: z.number().int().min(1).max(10) }),
        fn<(headers: Headers) => string | null | undefined>(),
      ])
      .optional(),
  })
  .prefault({});

/** @internal {@link RateLimitOptions} with every default filled in. */
export type RateLimitSettings = z.output<typeof rateLimitOptionsSchema>;

/** @internal Validation of {@link LockoutOptions}. */
export const lockoutOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    threshold: z.number().int().min(1).max(100).default(budget(DEFAULT_LOCKOUT_THRESHOLD)),
    baseSeconds: seconds(1, 86400, 30),
    maxSeconds: seconds(1, 7 * 86400, 3600),
    resetAfterSeconds: seconds(1, 30 * 86400, 86400),
    knownDevices: z.boolean().default(true),
    knownDeviceMaxAge: seconds(60, 400 * 86400, 180 * 86400),
  })
  .refine((lockout) => lockout.baseSeconds <= lockout.maxSeconds, {
    error: "baseSeconds must not exceed maxSeconds",
    path: ["baseSeconds"],
  })
  .prefault({});

/** @internal {@link LockoutOptions} with every default filled in. */
export type LockoutSettings = z.output<typeof lockoutOptionsSchema>;

import type { DeferredWrite } from "../../database/dialect.js";
import { isTetrastackError } from "../../shared/errors.js";
import {
  createRateLimiter,
  databaseStore,
  hashIdentifier,
  type LockoutSettings,
  memoryStore,
  type RateLimitRuleSettings,
  type RateLimitStore,
  type RateLimitSubject,
  type SideRead,
} from "../../shared/rate-limit.js";
import { warnOnce } from "../../shared/warn-once.js";
import { lockoutHint, rateLimitHint } from "./development.js";

export type { LockoutSettings, RateLimitRuleSettings, RateLimitStore, SideRead } from "../../shared/rate-limit.js";
export { databaseStore, memoryStore };

/** The actions that are rate limited. */
export type RateLimitBucket =
  | "sign-in"
  | "register"
  | "email"
  | "confirm"
  | "change-password"
  | "reauthenticate"
  | "invitation"
  | "api-key";

/**
 * @internal Whose failures a password attempt counts toward: every client that is not a known
 * device of this account shares the account's lock; a known device (OWASP "device cookies") has a
 * lock of its own, so failures an attacker causes elsewhere never lock the owner's browser out.
 */
export interface LockoutSubject {
  /** The normalised email (or, for an account without one, its user id). */
  account: string;
  /** The nonce of a valid device cookie issued to this account, when the request carries one. */
  device?: string | null | undefined;
}

/** @internal What {@link Limiter.attempt} decided about the lockout. */
export interface AttemptReservation {
  allowed: boolean;
  /** Seconds until the lock ends, when not allowed. */
  retryAfter: number;
}

/** @internal Rate limits and the lockout over one store. */
export interface Limiter {
  /** Counts one attempt per IP and per account; throws RateLimitError when either is over its limit. */
  enforce(bucket: RateLimitBucket, rule: RateLimitRuleSettings, who: RateLimitSubject): Promise<void>;
  /**
   * A password attempt, in one round trip to the database: counted per IP and account as
   * {@link Limiter.enforce} counts it (RateLimitError when over), then, only when it is within its
   * limits, counted toward the lockout of `lockout` (when given) before the password is checked (atomically: a
   * burst of attempts can never check more than the threshold; not allowed while the subject is
   * locked), and `read` run alongside (its `value`, e.g. the account to check the password of).
   */
  attempt(
    bucket: RateLimitBucket,
    rule: RateLimitRuleSettings,
    who: RateLimitSubject,
    options: { lockout?: LockoutSubject | undefined; read?: SideRead | undefined },
  ): Promise<{ reservation: AttemptReservation; read: unknown }>;
  /**
   * The right password: forgets the subject's failures (and so its lock). The write is returned
   * to be sent with the session row (see `request/scope.ts`), or null when it is done already
   * (memory store, lockout off).
   */
  attemptSucceeded(subject: LockoutSubject): DeferredWrite | null;
  /** Seconds until the account-wide lock (of unknown devices) ends, or 0. */
  lockedFor(account: string): Promise<number>;
  /** Lifts the account-wide lock: the owner proved the mailbox (password reset, sign-in link). */
  clearLockout(account: string): Promise<void>;
  /**
   * {@link Limiter.clearLockout} as a statement for a flow's batch, or null when there is nothing
   * to send (lockout off; the memory store, cleared at once).
   */
  lockoutClear(account: string): DeferredWrite | null;
  prune(): Promise<number>;
}

/** @internal The lockout row of a subject: the account's (unknown devices), or the device's own. */
function lockKey(subject: LockoutSubject): string {
  return subject.device
    ? `lockout:device:${hashIdentifier(`${subject.account}\u0000${subject.device}`)}`
    : `lockout:${hashIdentifier(subject.account)}`;
}

/**
 * @internal The limiter. `warn` receives, once per limit and only in development, a hint that a
 * limit tripped, what production does and how to change it (`development.ts`).
 */
export function createLimiter(
  store: RateLimitStore,
  options: { enabled: boolean; lockout: LockoutSettings; warn?: (message: string) => void },
): Limiter {
  const { lockout, warn } = options;
  const counters = createRateLimiter(store, { enabled: options.enabled });
  const hint = (message: string | null) => {
    if (message && warn) warnOnce(warn, message);
  };
  return {
    async enforce(bucket, rule, who) {
      try {
        await counters.enforce(bucket, rule, who);
      } catch (error) {
        if (isTetrastackError(error, "RATE_LIMITED")) hint(rateLimitHint(bucket, rule));
        throw error;
      }
    },
    async attempt(bucket, rule, who, { lockout: subject, read }) {
      const now = Date.now();
      let result: Awaited<ReturnType<typeof counters.attempt>>;
      try {
        result = await counters.attempt(bucket, rule, who, {
          reserve: subject && lockout.enabled ? { key: lockKey(subject), policy: lockout } : undefined,
          read,
        });
      } catch (error) {
        if (isTetrastackError(error, "RATE_LIMITED")) hint(rateLimitHint(bucket, rule));
        throw error;
      }
      const { reservation } = result;
      if (!reservation || reservation.allowed)
        return { reservation: { allowed: true, retryAfter: 0 }, read: result.read };
      hint(lockoutHint(lockout.threshold));
      const retryAfter = Math.max(1, Math.ceil((reservation.lockedUntil - now) / 1000));
      return { reservation: { allowed: false, retryAfter }, read: result.read };
    },
    attemptSucceeded(subject) {
      if (!lockout.enabled) return null;
      return store.deferredClear(lockKey(subject));
    },
    async lockedFor(account) {
      if (!lockout.enabled) return 0;
      const now = Date.now();
      const until = await store.lockedUntil(lockKey({ account }), now);
      return until > now ? Math.ceil((until - now) / 1000) : 0;
    },
    async clearLockout(account) {
      if (!lockout.enabled) return;
      await store.clear(lockKey({ account }));
    },
    lockoutClear(account) {
      if (!lockout.enabled) return null;
      return store.deferredClear(lockKey({ account }));
    },
    prune: () => counters.prune(),
  };
}

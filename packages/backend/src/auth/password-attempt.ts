import type { Limiter, LockoutSubject } from "./rate-limit.js";

/** @internal How a password check under the lockout ended. */
export type PasswordAttemptOutcome =
  | { status: "valid" }
  | { status: "invalid" }
  | { status: "locked"; retryAfter: number };

/**
 * @internal The one way a password is checked, at sign-in and wherever a flow asks for the
 * current password: the attempt is counted before the check (so a burst of attempts checks at
 * most the lockout threshold), refused without any hashing while the subject is locked, and a
 * right password forgets the failures.
 */
export async function verifyUnderLockout(
  limiter: Limiter,
  subject: LockoutSubject,
  check: () => Promise<boolean>,
): Promise<PasswordAttemptOutcome> {
  const reservation = await limiter.reserveAttempt(subject);
  if (!reservation.allowed) return { status: "locked", retryAfter: reservation.retryAfter };
  if (!(await check())) return { status: "invalid" };
  await limiter.attemptSucceeded(subject);
  return { status: "valid" };
}

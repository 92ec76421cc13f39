import * as z from "zod";
import { AccountLockedError, InvalidCredentialsError } from "../../shared/errors.js";
import type { AttemptReservation, Limiter, LockoutSubject, RateLimitRuleSettings } from "../limits/limiter.js";
import type { AuthUser } from "../tables.js";
import { burnPasswordHash, type ScryptParams, verifyPassword } from "./hash.js";
import { type PasswordPolicy, parseSignInPassword } from "./policy.js";

/** @internal How a password check under the lockout ended. */
export type PasswordAttemptOutcome =
  | { status: "valid" }
  | { status: "invalid" }
  | { status: "locked"; retryAfter: number };

/**
 * @internal The one way a password is checked, at sign-in and wherever a flow asks for the
 * current password, once `limiter.attempt` has counted the attempt (so a burst of attempts checks
 * at most the lockout threshold): refused without any hashing while the subject is locked; a
 * right password forgets the failures, through `forget` (sign-in sends that write with the
 * session row; other flows run it at once).
 */
export async function verifyReserved(
  limiter: Limiter,
  reservation: AttemptReservation,
  subject: LockoutSubject,
  check: () => Promise<boolean>,
  forget: (write: ReturnType<Limiter["attemptSucceeded"]>) => Promise<void> = async (write) => write?.run(),
): Promise<PasswordAttemptOutcome> {
  if (!reservation.allowed) return { status: "locked", retryAfter: reservation.retryAfter };
  if (!(await check())) return { status: "invalid" };
  await forget(limiter.attemptSucceeded(subject));
  return { status: "valid" };
}

/** @internal Checks a password a signed-in user typed to prove it is them. */
export type ProvePassword = (
  user: AuthUser,
  given: unknown,
  stored: string | null,
  caller: { ip: string | null },
) => Promise<void>;

/**
 * @internal A typed current password, checked exactly as sign-in does: rate-limited, counted
 * toward the lockout before it is checked, one hash whatever the outcome. Throws
 * `InvalidCredentialsError`, `AccountLockedError` or `RateLimitError`.
 */
export function createProvePassword(
  limiter: Limiter,
  rule: RateLimitRuleSettings,
  policy: PasswordPolicy,
  scrypt: ScryptParams,
): ProvePassword {
  return async (user, given, stored, caller) => {
    const account = user.email ?? user.id;
    // Counted per IP and account, and toward the lockout, in one round trip.
    const { reservation } = await limiter.attempt(
      "change-password",
      rule,
      { ip: caller.ip, account },
      {
        lockout: { account },
      },
    );
    const password = parseSignInPassword(given, policy);
    const outcome = await verifyReserved(limiter, reservation, { account }, async () =>
      password === null ? false : stored ? verifyPassword(password, stored) : burnPasswordHash(password, scrypt),
    );
    if (outcome.status === "locked") {
      throw new AccountLockedError("Too many wrong passwords; try again later.", { retryAfter: outcome.retryAfter });
    }
    if (outcome.status === "invalid" || !stored) throw new InvalidCredentialsError("The password is wrong.");
  };
}

/** Options of `requestEmailChange` and `deleteAccount`: proof beyond the session cookie. */
export interface ReauthenticateOptions {
  /**
   * The current password. Required for an account that has one; an account without one confirms
   * by a link to its current address instead (`requestEmailChange` sends it by itself;
   * `deleteAccount` refuses, use `requestAccountDeletion`).
   */
  password?: string;
}

/** @internal Validation of {@link ReauthenticateOptions} (and `verifyEmail`'s options, the same shape). */
export const proofInputSchema = z.object({ password: z.string({ error: "must be a string" }).optional() }).optional();

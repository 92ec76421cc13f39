import { eq } from "drizzle-orm";
import { parseEmail } from "../accounts/email.js";
import type { AuthCore } from "../context.js";
import type { PasswordSignIn, SignInErrorCode } from "../password/sign-in.js";

/**
 * Failures worth an event: each passed the rate limits first, so an attacker cannot make the log
 * grow faster than the limits let them try (a refused `RATE_LIMITED` attempt is not recorded).
 */
const RECORDED = new Set<SignInErrorCode>(["INVALID_CREDENTIALS", "ACCOUNT_LOCKED", "EMAIL_NOT_VERIFIED"]);

/**
 * @internal The password sign-in with its failures in the audit log: `user.sign_in_failed` (with
 * the reason) for the account the email names, and `user.locked_out` when this failure locked it.
 * One `INSERT … SELECT` from `users` by email, so an unknown address records nothing and costs
 * the same statement (the answer's timing stays the same for both). The address itself is never
 * stored. A success is recorded with the session row it creates (the adapter, the JSON API).
 */
export function auditedSignIn(
  ctx: Pick<AuthCore, "audit" | "db" | "dialect" | "tables" | "limiter" | "logger">,
  signIn: PasswordSignIn,
): PasswordSignIn {
  const { users } = ctx.tables;
  return async (credentials, request) => {
    const outcome = await signIn(credentials, request);
    if (outcome.ok || !RECORDED.has(outcome.code)) return outcome;
    const email = parseEmail(credentials?.email);
    if (!email) return outcome; // malformed: refused before anything was counted, nothing to record
    try {
      const lockedNow = outcome.code === "INVALID_CREDENTIALS" && (await ctx.limiter.lockedFor(email)) > 0;
      const account = { table: users, where: eq(users.email, email) };
      await ctx.dialect.batch(ctx.db, (q) => [
        ctx.audit.guard(
          q,
          { action: "user.sign_in_failed", userId: users.id, details: { reason: outcome.code } },
          account,
        ).statement,
        ...(lockedNow ? [ctx.audit.guard(q, { action: "user.locked_out", userId: users.id }, account).statement] : []),
      ]);
    } catch (error) {
      // The sign-in's answer must not change because the log could not be written.
      ctx.logger.warn("could not record a failed sign-in in the audit log", error);
    }
    return outcome;
  };
}

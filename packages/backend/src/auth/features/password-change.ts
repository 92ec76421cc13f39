import * as z from "zod";
import { InvalidCredentialsError, UnauthorizedError } from "../../shared/errors.js";
import { parseInput } from "../../shared/validate.js";
import type { AuthContext } from "../context.js";
import { hashPassword } from "../password/hash.js";
import { newPasswordSchema } from "../password/policy.js";

/** What `changePassword` resolves. */
export interface ChangePasswordResult {
  /** The user's other sessions, ended. */
  revokedSessions: number;
}

/** What `createAuth` adds for changing the password. */
export interface PasswordChangeMethods {
  /**
   * Changes the signed-in user's password; the current one is required (`InvalidCredentialsError`,
   * counted toward the sign-in lockout: `AccountLockedError`) and the session must be fresh
   * (`UnauthorizedError`, `StaleSessionError`). Ends the user's other sessions. `ValidationError`
   * (new password policy), `RateLimitError` (`rateLimit.signIn`).
   */
  changePassword(currentPassword: string, newPassword: string): Promise<ChangePasswordResult>;
}

/** @internal Changing the password of the signed-in user, who proves the current one. */
export function passwordChange(ctx: AuthContext): PasswordChangeMethods {
  const passwordInput = z.object({ newPassword: newPasswordSchema(ctx.settings.password) });
  return {
    async changePassword(currentPassword, newPassword) {
      const caller = await ctx.caller.signedIn("fresh");
      const { newPassword: password } = parseInput(passwordInput, { newPassword }, "changePassword");
      const user = await ctx.users.byId(caller.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      const account = await ctx.credentials.find(user.id);
      await ctx.provePassword(user, currentPassword, account?.passwordHash ?? null, caller);
      if (!account) throw new InvalidCredentialsError("The password is wrong.");
      const passwordHash = await hashPassword(password, ctx.settings.password.scrypt);
      const [, revoked] = (await ctx.dialect.batch(ctx.db, (q) => [
        ctx.credentials.set(q, user.id, passwordHash),
        ctx.sessions.revokeStatement(q, user.id, caller.session.sessionId),
        ctx.audit.insert(q, { action: "user.password_changed", actorId: user.id, userId: user.id, request: caller }),
      ])) as [unknown, { id: string }[]];
      return { revokedSessions: revoked.length };
    },
  };
}

import * as z from "zod";
import { fnSchema as fn, relativePathSchema as relativePath, secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { consumeLink, limitConfirm, limitMailToAddress, ownSession } from "../links/flows.js";
import { defaultEmailTemplates, type EmailTemplate, type LinkEmailParams } from "../mail/templates.js";
import { hashPassword } from "../password/hash.js";
import { newPasswordSchema } from "../password/policy.js";

/** Password reset by email link. */
export interface PasswordResetOptions {
  /**
   * Seconds the link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and posts it with the new password to `resetPassword`.
   * @default "/reset-password"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.resetPassword
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** @internal Validation of {@link PasswordResetOptions}. */
export const passwordResetOptionsSchema = z
  .strictObject({
    expiresIn: seconds(60, 86400, 3600),
    path: relativePath.default("/reset-password"),
    template: fn<EmailTemplate<LinkEmailParams>>().optional(),
  })
  .prefault({});

/** @internal {@link PasswordResetOptions} with every default filled in. */
export type PasswordResetSettings = z.output<typeof passwordResetOptionsSchema>;

/** What `resetPassword` resolves. */
export interface ResetPasswordResult {
  userId: string;
  email: string;
  /** Sessions ended: all of the user's, except the caller's own when signed in as that user. */
  revokedSessions: number;
}

/** What `createAuth` adds for password reset. */
export interface PasswordResetMethods {
  /**
   * Mails a password-reset link if `email` belongs to an account; resolves the same way whether
   * or not it does. `RateLimitError` (`rateLimit.email`), `ValidationError`.
   */
  requestPasswordReset(email: string): Promise<void>;
  /**
   * Sets a new password with a reset link's token (policy checked first: `ValidationError`),
   * marks the email verified, clears the sign-in lockout and ends every session of the user but
   * the caller's own. `TokenError`, `RateLimitError` (`rateLimit.confirm`).
   */
  resetPassword(token: string, newPassword: string): Promise<ResetPasswordResult>;
}

const emailInput = z.object({ email: emailSchema });

/** @internal Password reset by a link to the account's address. */
export function passwordReset(ctx: AuthContext, settings: PasswordResetSettings): PasswordResetMethods {
  const passwordInput = z.object({ newPassword: newPasswordSchema(ctx.settings.password) });
  return {
    async requestPasswordReset(input) {
      const { email } = parseInput(emailInput, { email: input }, "requestPasswordReset");
      ctx.mailer.assertAvailable("requestPasswordReset");
      const user = await limitMailToAddress(ctx, "reset-password", email, await ctx.caller.flow());
      if (!user?.email) return;
      const { expiresIn, path, template } = settings;
      const issued = await ctx.tokens.issue({
        purpose: "reset-password",
        identifier: user.email,
        userId: user.id,
        expiresIn,
      });
      await ctx.links.sendLink(template ?? defaultEmailTemplates.resetPassword, user.email, path, issued);
    },

    async resetPassword(token, newPassword) {
      const { newPassword: password } = parseInput(passwordInput, { newPassword }, "resetPassword");
      const caller = await ctx.caller.flow();
      await limitConfirm(ctx, caller);
      const { row, user } = await consumeLink(ctx, token, "reset-password", caller, { sameEmail: true });
      const passwordHash = await hashPassword(password, ctx.settings.password.scrypt);
      const keep = ownSession(caller, user.id);
      // An unverified account is taken over by whoever proves the mailbox: everything the prover
      // did not create goes (another's password, linked identities, passkeys, sessions, links).
      // Whoever holds the link holds the mailbox: the owner is back in, from this browser too
      // (the lockout lifted in the same batch).
      const lift = ctx.limiter.lockoutClear(row.identifier);
      const [revoked] = (await ctx.dialect.batch(ctx.db, (q) => [
        ctx.sessions.revokeStatement(q, user.id, keep),
        ...(user.emailVerified ? [] : ctx.claim.statements(q, user.id, { sessionId: keep })),
        ctx.credentials.set(q, user.id, passwordHash),
        ...(lift ? [lift.statement(q)] : []),
        ctx.audit.insert(q, {
          action: "user.password_reset",
          actorId: caller.session?.userId ?? null,
          userId: user.id,
          details: user.emailVerified ? null : { claimed: true },
          request: caller,
        }),
      ])) as [{ id: string }[]];
      await ctx.caller.markKnownDevice(row.identifier);
      return { userId: user.id, email: row.identifier, revokedSessions: revoked.length };
    },
  };
}

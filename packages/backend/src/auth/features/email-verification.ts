import * as z from "zod";
import { ReauthenticationRequiredError } from "../../shared/errors.js";
import { fnSchema as fn, relativePathSchema as relativePath, secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { consumeLink, limitConfirm, limitMailToAddress, ownSession } from "../links/flows.js";
import { defaultEmailTemplates, type EmailTemplate, type LinkEmailParams } from "../mail/templates.js";
import { proofInputSchema } from "../password/verify.js";

/** Email verification of accounts registered with a password. */
export interface EmailVerificationOptions {
  /**
   * Mail the verification link when `registerUser` creates an account.
   * @default the value of `required`
   */
  sendOnSignUp?: boolean;
  /**
   * Refuse credentials sign-in until the email is verified (`requireEmailVerification`): after a
   * right password, sign-in fails with code `EMAIL_NOT_VERIFIED`; offer
   * `requestEmailVerification` to send a new link. Email-link and OAuth sign-ins verify the address.
   * @default false
   */
  required?: boolean;
  /**
   * Seconds the link works.
   * @default 86400 (24 hours)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `verifyEmail(token)`.
   * @default "/verify-email"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.verifyEmail
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** @internal Validation of {@link EmailVerificationOptions}. */
export const emailVerificationOptionsSchema = z
  .strictObject({
    sendOnSignUp: z.boolean().optional(),
    required: z.boolean().default(false),
    expiresIn: seconds(60, 30 * 86400, 86400),
    path: relativePath.default("/verify-email"),
    template: fn<EmailTemplate<LinkEmailParams>>().optional(),
  })
  .transform(({ sendOnSignUp, ...rest }) => ({ ...rest, sendOnSignUp: sendOnSignUp ?? rest.required }))
  .prefault({});

/** @internal {@link EmailVerificationOptions} with every default filled in. */
export type EmailVerificationSettings = z.output<typeof emailVerificationOptionsSchema>;

/** What `verifyEmail` resolves. */
export interface VerifyEmailResult {
  userId: string;
  /** The address now verified. */
  email: string;
}

/** Options of `verifyEmail`. */
export interface VerifyEmailOptions {
  /**
   * The account's password, when the link is opened in a browser that is not signed in to the
   * account: the link proves the mailbox, the password proves who chose it (see the README's
   * account-linking rule). Not needed when signed in, or for an account without a password.
   */
  password?: string;
}

/** What `createAuth` adds for email verification. */
export interface EmailVerificationMethods {
  /**
   * Mails a new verification link to `email` if it belongs to an account whose email is not
   * verified yet. Resolves the same way whether or not it does. Rate-limited (`rateLimit.email`,
   * per IP and per address): `RateLimitError`. Malformed email: `ValidationError`.
   */
  requestEmailVerification(email: string): Promise<void>;
  /**
   * Consumes a verification link's token and marks the email verified. From a browser that is not
   * signed in to the account, an account with a password also needs `options.password`
   * (`ReauthenticationRequiredError` without it, the link staying usable): the link proves the
   * mailbox, the password proves who chose it. Verifying an account that nobody had proven yet
   * removes every way into it its prover did not make (see the README's account-linking rule).
   * `TokenError` (`TOKEN_INVALID`, `TOKEN_EXPIRED`), `InvalidCredentialsError`, `RateLimitError`.
   */
  verifyEmail(token: string, options?: VerifyEmailOptions): Promise<VerifyEmailResult>;
}

const emailInput = z.object({ email: emailSchema });

/** @internal Email verification: the link mailed at sign-up or on request, and its confirmation. */
export function emailVerification(ctx: AuthContext, settings: EmailVerificationSettings): EmailVerificationMethods {
  async function issue(user: { id: string; email: string }): Promise<void> {
    const { expiresIn, path, template } = settings;
    const issued = await ctx.tokens.issue({
      purpose: "verify-email",
      identifier: user.email,
      userId: user.id,
      expiresIn,
    });
    await ctx.links.sendLink(template ?? defaultEmailTemplates.verifyEmail, user.email, path, issued);
  }
  if (settings.sendOnSignUp) ctx.hooks.userRegistered.push(issue);

  return {
    async requestEmailVerification(input) {
      const { email } = parseInput(emailInput, { email: input }, "requestEmailVerification");
      ctx.mailer.assertAvailable("requestEmailVerification");
      const caller = await ctx.caller.flow();
      const user = await limitMailToAddress(ctx, "verify-email", email, caller);
      if (user?.email && !user.emailVerified) await issue({ id: user.id, email: user.email });
    },

    async verifyEmail(token, options) {
      const { password } = parseInput(proofInputSchema, options, "verifyEmail") ?? {};
      const caller = await ctx.caller.flow();
      await limitConfirm(ctx, caller);
      const { row, user } = await consumeLink(ctx, token, "verify-email", caller, { sameEmail: true });
      if (user.emailVerified) return { userId: user.id, email: row.identifier };
      const signedIn = caller.session?.userId === user.id;
      const credentials = await ctx.credentials.find(user.id);
      try {
        // The link proves the mailbox, not who chose the password: from a browser that is not
        // signed in to the account, the password is asked for too. Otherwise a squatter's
        // password would survive the owner clicking a link the squatter had sent them.
        if (credentials && !signedIn) {
          if (password === undefined) {
            throw new ReauthenticationRequiredError(
              "Sign in, or enter this account's password, to verify the address.",
            );
          }
          await ctx.provePassword(user, password, credentials.passwordHash, caller);
        }
      } catch (error) {
        // Nothing was proven: the link stays usable for the owner.
        await ctx.tokens.restore(row).catch(() => undefined);
        throw error;
      }
      const keep = { sessionId: ownSession(caller, user.id), credentials: Boolean(credentials) };
      await ctx.dialect.batch(ctx.db, (q) => ctx.claim.statements(q, user.id, keep));
      return { userId: user.id, email: row.identifier };
    },
  };
}

import { and, eq, inArray } from "drizzle-orm";
import * as z from "zod";
import { toConflictError } from "../../database/errors.js";
import type { TokenPurpose } from "../../database/tables.js";
import {
  isTetrastackError,
  ReauthenticationRequiredError,
  UnauthorizedError,
  ValidationError,
} from "../../shared/errors.js";
import { fnSchema as fn, relativePathSchema as relativePath, secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { consumeLink, limitConfirm, limitMail, ownSession } from "../links/flows.js";
import {
  defaultEmailTemplates,
  type EmailChangedParams,
  type EmailTemplate,
  type LinkEmailParams,
} from "../mail/templates.js";
import { proofInputSchema, type ReauthenticateOptions } from "../password/verify.js";

/** Changing the account's email: a link to the new address, a notice to the old one. */
export interface EmailChangeOptions {
  /**
   * Seconds the link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `confirmEmailChange(token)` from a button.
   * @default "/confirm-email-change"
   */
  path?: string;
  /**
   * The mail to the new address.
   * @default defaultEmailTemplates.changeEmail
   */
  template?: EmailTemplate<LinkEmailParams>;
  /**
   * The notice to the old address once the change is done.
   * @default defaultEmailTemplates.emailChanged
   */
  noticeTemplate?: EmailTemplate<EmailChangedParams>;
  /**
   * Your page that receives `?token=…` and calls `approveEmailChange(token)` from a button: for
   * accounts without a password, the current address approves a change before the new one is
   * mailed.
   * @default "/approve-email-change"
   */
  approvalPath?: string;
  /**
   * The approval mail to the current address.
   * @default defaultEmailTemplates.approveEmailChange
   */
  approvalTemplate?: EmailTemplate<LinkEmailParams>;
}

const template = <P>() => fn<EmailTemplate<P>>().optional();

/** @internal Validation of {@link EmailChangeOptions}. */
export const emailChangeOptionsSchema = z
  .strictObject({
    expiresIn: seconds(60, 7 * 86400, 3600),
    path: relativePath.default("/confirm-email-change"),
    template: template<LinkEmailParams>(),
    noticeTemplate: template<EmailChangedParams>(),
    approvalPath: relativePath.default("/approve-email-change"),
    approvalTemplate: template<LinkEmailParams>(),
  })
  .prefault({});

/** @internal {@link EmailChangeOptions} with every default filled in. */
export type EmailChangeSettings = z.output<typeof emailChangeOptionsSchema>;

/** What `confirmEmailChange` resolves. */
export interface ConfirmEmailChangeResult {
  userId: string;
  /** The new address, now the account's (and verified). */
  email: string;
  /** The old address, which was sent a notice. */
  previousEmail: string | null;
  /** Sessions ended: all of the user's, except the caller's own when signed in as that user. */
  revokedSessions: number;
}

/** What `createAuth` adds for changing the account's email. */
export interface EmailChangeMethods {
  /**
   * Mails a confirmation link to `newEmail`; the address changes only when it is opened. Needs a
   * fresh session and proof beyond it: `options.password` for an account with a password
   * (`ReauthenticationRequiredError` without it, `InvalidCredentialsError`/`AccountLockedError`
   * when wrong); an account without one is first sent an approval link at its current address
   * (`approveEmailChange`). Resolves the same way when the address is taken (no mail is sent
   * then). `ValidationError` (malformed, or already the account's), `RateLimitError`.
   */
  requestEmailChange(newEmail: string, options?: ReauthenticateOptions): Promise<void>;
  /**
   * Consumes the approval link an account without a password receives at its current address,
   * then mails the confirmation link to the new address. `TokenError`, `RateLimitError`.
   */
  approveEmailChange(token: string): Promise<void>;
  /**
   * Consumes an email-change token: the new address replaces the old one (verified), the old one
   * is sent a notice, and every session of the user but the caller's own ends. `TokenError`
   * (also when signed in as another user), `ConflictError` (the address was taken meanwhile).
   */
  confirmEmailChange(token: string): Promise<ConfirmEmailChangeResult>;
}

const newEmailInput = z.object({ newEmail: emailSchema });
/** Links sent to the old address stop working with it. */
const STALE_PURPOSES: TokenPurpose[] = ["verify-email", "reset-password", "delete-account", "approve-email-change"];

/** @internal Changing the account's email: proof, a link to the new address, a notice to the old one. */
export function emailChange(ctx: AuthContext, settings: EmailChangeSettings): EmailChangeMethods {
  const { db, tables } = ctx;

  /** Mails the link that moves the account to `newEmail` once it is opened. */
  async function sendChangeLink(userId: string, newEmail: string): Promise<void> {
    const { expiresIn, path, template } = settings;
    const issued = await ctx.tokens.issue({ purpose: "change-email", identifier: newEmail, userId, expiresIn });
    await ctx.links.sendLink(template ?? defaultEmailTemplates.changeEmail, newEmail, path, issued);
  }

  return {
    async requestEmailChange(input, options) {
      const caller = await ctx.caller.signedIn("fresh");
      const { newEmail } = parseInput(newEmailInput, { newEmail: input }, "requestEmailChange");
      const { password } = parseInput(proofInputSchema, options, "requestEmailChange") ?? {};
      ctx.mailer.assertAvailable("requestEmailChange");
      const user = await ctx.users.byId(caller.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      if (user.email === newEmail) {
        throw new ValidationError("requestEmailChange: newEmail: is already the account's email", {
          issues: [{ path: "newEmail", message: "is already the account's email" }],
        });
      }
      // A session cookie alone must not be enough to move the account to another address: a
      // cookie stolen within the fresh window would otherwise take the account for good.
      const credentials = await ctx.credentials.find(user.id);
      if (credentials) {
        if (password === undefined) {
          throw new ReauthenticationRequiredError("Enter your current password to change your email address.");
        }
        await ctx.provePassword(user, password, credentials.passwordHash, caller);
      }
      await limitMail(ctx, "change-email", user.id, caller);
      // Taken: the same answer and no mail, so the form cannot be used to probe for accounts.
      if (await ctx.users.byEmail(newEmail)) return;
      if (!credentials && user.email) {
        // No password: the current address approves first (better-auth's sendChangeEmailVerification).
        const issued = await ctx.tokens.issue({
          purpose: "approve-email-change",
          identifier: newEmail,
          userId: user.id,
          expiresIn: settings.expiresIn,
        });
        const template = settings.approvalTemplate ?? defaultEmailTemplates.approveEmailChange;
        await ctx.links.sendLink(template, user.email, settings.approvalPath, issued);
        return;
      }
      await sendChangeLink(user.id, newEmail);
    },

    async approveEmailChange(token) {
      const caller = await ctx.caller.flow();
      await limitConfirm(ctx, caller);
      const { row, user } = await consumeLink(ctx, token, "approve-email-change", caller, { sameEmail: false });
      await limitMail(ctx, "change-email", user.id, caller);
      if (await ctx.users.byEmail(row.identifier)) return;
      await sendChangeLink(user.id, row.identifier);
    },

    async confirmEmailChange(token) {
      const caller = await ctx.caller.flow();
      await limitConfirm(ctx, caller);
      const { row, user } = await consumeLink(ctx, token, "change-email", caller, { sameEmail: false });
      const email = row.identifier;
      let revoked: { id: string }[];
      try {
        [, revoked] = (await ctx.dialect.batch(db, (q) => [
          q.update(tables.users).set({ email, emailVerified: new Date() }).where(eq(tables.users.id, user.id)),
          ctx.sessions.revokeStatement(q, user.id, ownSession(caller, user.id)),
          q
            .delete(tables.verificationTokens)
            .where(
              and(
                eq(tables.verificationTokens.userId, user.id),
                inArray(tables.verificationTokens.purpose, STALE_PURPOSES),
              ),
            ),
          ctx.audit.insert(q, {
            action: "user.email_changed",
            actorId: caller.session?.userId ?? null,
            userId: user.id,
            request: caller,
          }),
        ])) as [unknown, { id: string }[]];
      } catch (error) {
        const converted = toConflictError(error);
        if (isTetrastackError(converted, "CONFLICT")) throw converted;
        throw error;
      }
      if (user.email) {
        try {
          const notice = settings.noticeTemplate ?? defaultEmailTemplates.emailChanged;
          const content = await notice({
            to: user.email,
            previousEmail: user.email,
            newEmail: email,
            appName: ctx.links.appName,
          });
          await ctx.mailer.send({ to: user.email, ...content });
        } catch (error) {
          // The change is done and cannot be undone by a mail failure; say so in the logs.
          ctx.logger.warn("could not send the email-change notice to the old address", error);
        }
      }
      return { userId: user.id, email, previousEmail: user.email, revokedSessions: revoked.length };
    },
  };
}

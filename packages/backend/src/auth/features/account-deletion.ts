import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import * as z from "zod";
import type { QueryDatabase, Statement } from "../../database/dialect.js";
import {
  ForbiddenError,
  ReauthenticationRequiredError,
  UnauthorizedError,
  ValidationError,
} from "../../shared/errors.js";
import { fnSchema as fn, relativePathSchema as relativePath, secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import type { AuthContext, FlowContext } from "../context.js";
import { consumeLink, limitConfirm, limitMail } from "../links/flows.js";
import { defaultEmailTemplates, type EmailTemplate, type LinkEmailParams } from "../mail/templates.js";
import { proofInputSchema, type ReauthenticateOptions } from "../password/verify.js";
import type { AuthUser } from "../tables.js";

/**
 * Runs before an account is deleted. Return `false` to refuse (`ForbiddenError`), or Drizzle
 * queries built on the `db` it is given (deletes of your own rows, say) to run in the same
 * transaction as the deletion of the user: all of them happen or none. On libSQL `db` is your
 * database (the queries join one batch); on PostgreSQL it is the deletion's transaction, so build
 * them on it, not on your module's `db`, or they run outside. Read, call other services, or throw
 * as you need before returning.
 */
export type BeforeDeleteAccount<TDatabase = QueryDatabase> = (params: {
  user: AuthUser;
  db: TDatabase;
}) => BeforeDeleteResult | Promise<BeforeDeleteResult>;

/** What {@link BeforeDeleteAccount} returns: `false` refuses; queries join the deletion's transaction. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is the common case.
export type BeforeDeleteResult = false | void | readonly BatchItem<"sqlite">[] | readonly BatchItem<"pg">[];

/**
 * Deleting the account: at once from a fresh session, or by a confirmation link. `TDatabase` is
 * the type of `createAuth`'s `db`, which the `beforeDelete` hook is given.
 */
export interface AccountDeletionOptions<TDatabase = QueryDatabase> {
  /**
   * Seconds the confirmation link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `confirmAccountDeletion(token)` from a button.
   * @default "/confirm-account-deletion"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.deleteAccount
   */
  template?: EmailTemplate<LinkEmailParams>;
  /**
   * Deletes your own data with the user, or refuses. Rows referencing `users` with
   * `ON DELETE CASCADE` (every table of this package, and `userId()` columns) go anyway.
   * @default undefined
   */
  beforeDelete?: BeforeDeleteAccount<TDatabase>;
}

/** @internal Validation of {@link AccountDeletionOptions}. */
export const accountDeletionOptionsSchema = z
  .strictObject({
    expiresIn: seconds(60, 7 * 86400, 3600),
    path: relativePath.default("/confirm-account-deletion"),
    template: fn<EmailTemplate<LinkEmailParams>>().optional(),
    beforeDelete: fn<BeforeDeleteAccount>().optional(),
  })
  .prefault({});

/** @internal {@link AccountDeletionOptions} with every default filled in. */
export type AccountDeletionSettings = z.output<typeof accountDeletionOptionsSchema>;

/** What `deleteAccount` and `confirmAccountDeletion` resolve. */
export interface DeleteAccountResult {
  /** The id of the user who no longer exists. */
  userId: string;
}

/** What `createAuth` adds for deleting the account. */
export interface AccountDeletionMethods {
  /**
   * Deletes the signed-in user at once (fresh session and `options.password` required) with
   * everything that cascades, after `accountDeletion.beforeDelete`; clears the session cookie. An
   * account without a password confirms by email instead (`requestAccountDeletion`):
   * `ReauthenticationRequiredError`. `InvalidCredentialsError`, `ForbiddenError` when the hook
   * refuses, `UnauthorizedError`, `StaleSessionError`, `RateLimitError` (`rateLimit.confirm`).
   */
  deleteAccount(options?: ReauthenticateOptions): Promise<DeleteAccountResult>;
  /** Mails the signed-in user a link that confirms deleting the account. `RateLimitError` (`rateLimit.email`). */
  requestAccountDeletion(): Promise<void>;
  /**
   * Consumes a deletion link's token and deletes the user as {@link AccountDeletionMethods.deleteAccount}
   * does. A refusal by `beforeDelete` leaves the link usable. `TokenError`, `ForbiddenError`.
   */
  confirmAccountDeletion(token: string): Promise<DeleteAccountResult>;
}

/** @internal Deleting the account: at once with the password, or by a link to its address. */
export function accountDeletion(ctx: AuthContext, settings: AccountDeletionSettings): AccountDeletionMethods {
  const { db, tables } = ctx;

  async function deleteUser(user: AuthUser, caller: FlowContext): Promise<void> {
    // The hook gets the database the batch runs on (PostgreSQL: the transaction itself), so the
    // queries it returns are part of the deletion's transaction.
    await ctx.dialect.batch(db, async (q) => {
      // Other features first (organizations refuses while the user is a last owner): nothing of
      // yours runs for a deletion that is refused.
      const others: Statement[] = [];
      for (const listener of ctx.hooks.userDeleting) others.push(...(await listener(q, user)));
      const extra = settings.beforeDelete ? await settings.beforeDelete({ user, db: q }) : undefined;
      if (extra === false) throw new ForbiddenError("This account cannot be deleted now.");
      const statements = [...(extra ?? []), ...others] as unknown as Statement[];
      statements.push(
        ctx.audit.insert(q, {
          action: "user.deleted",
          actorId: caller.session?.userId ?? null,
          userId: user.id,
          request: caller,
        }),
      );
      // Sign-in tokens written by Auth.js carry only the address; the others cascade with the user.
      if (user.email) {
        statements.push(
          q.delete(tables.verificationTokens).where(eq(tables.verificationTokens.identifier, user.email)),
        );
      }
      statements.push(q.delete(tables.users).where(eq(tables.users.id, user.id)));
      return statements;
    });
    if (user.email) await ctx.limiter.clearLockout(user.email).catch(() => undefined);
  }

  return {
    async deleteAccount(options) {
      const caller = await ctx.caller.signedIn("fresh");
      const { password } = parseInput(proofInputSchema, options, "deleteAccount") ?? {};
      await limitConfirm(ctx, caller);
      const user = await ctx.users.byId(caller.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      const credentials = await ctx.credentials.find(user.id);
      if (credentials) {
        if (password === undefined) {
          throw new ReauthenticationRequiredError("Enter your password to delete your account.");
        }
        await ctx.provePassword(user, password, credentials.passwordHash, caller);
      } else if (user.email) {
        // No password to ask for: the mailbox confirms instead (requestAccountDeletion).
        throw new ReauthenticationRequiredError(
          "Confirm by email: this account has no password, so deleting it needs the link requestAccountDeletion() sends.",
        );
      }
      await deleteUser(user, caller);
      await ctx.caller.clearSessionCookie();
      return { userId: user.id };
    },

    async requestAccountDeletion() {
      const caller = await ctx.caller.signedIn("any");
      ctx.mailer.assertAvailable("requestAccountDeletion");
      const user = await ctx.users.byId(caller.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      if (!user.email) {
        throw new ValidationError("requestAccountDeletion: the account has no email; use deleteAccount", {
          issues: [{ path: "email", message: "the account has no email address" }],
        });
      }
      await limitMail(ctx, "delete-account", user.id, caller);
      const { expiresIn, path, template } = settings;
      const issued = await ctx.tokens.issue({
        purpose: "delete-account",
        identifier: user.email,
        userId: user.id,
        expiresIn,
      });
      await ctx.links.sendLink(template ?? defaultEmailTemplates.deleteAccount, user.email, path, issued);
    },

    async confirmAccountDeletion(token) {
      const caller = await ctx.caller.flow();
      await limitConfirm(ctx, caller);
      const { row, user } = await consumeLink(ctx, token, "delete-account", caller, { sameEmail: true });
      try {
        await deleteUser(user, caller);
      } catch (error) {
        // Refused (or failed) before anything was deleted: the link may be used again.
        await ctx.tokens.restore(row).catch(() => undefined);
        throw error;
      }
      if (caller.session) await ctx.caller.clearSessionCookie();
      return { userId: user.id };
    },
  };
}

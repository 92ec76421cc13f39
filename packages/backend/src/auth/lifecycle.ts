import { and, eq, inArray, ne } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import * as z from "zod";
import { toConflictError } from "../database/errors.js";
import type { TokenPurpose } from "../database/tables.js";
import {
  AccountLockedError,
  ForbiddenError,
  InvalidCredentialsError,
  isTetrastackError,
  ReauthenticationRequiredError,
  UnauthorizedError,
  ValidationError,
} from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import type { AccountClaim } from "./account-claim.js";
import { CREDENTIALS_PROVIDER_ID } from "./auth-config.js";
import { credentialsAccountOf } from "./credentials-account.js";
import { emailSchema } from "./email.js";
import type { Mailer } from "./mailer.js";
import type { AuthDatabase, AuthSettings, AuthTables, AuthUser } from "./options.js";
import {
  burnPasswordHash,
  hashPassword,
  newPasswordSchema,
  type PasswordPolicy,
  parseSignInPassword,
  type ScryptParams,
  verifyPassword,
} from "./password.js";
import { verifyUnderLockout } from "./password-attempt.js";
import type { Limiter, RateLimitRuleSettings } from "./rate-limit.js";
import { defaultEmailTemplates, type EmailTemplate, type LinkEmailParams } from "./templates.js";
import { invalidToken, type TokenRow, type TokenStore } from "./tokens.js";

/** What `verifyEmail` resolves. */
export interface VerifyEmailResult {
  userId: string;
  /** The address now verified. */
  email: string;
}

/** What `resetPassword` resolves. */
export interface ResetPasswordResult {
  userId: string;
  email: string;
  /** Sessions ended: all of the user's, except the caller's own when signed in as that user. */
  revokedSessions: number;
}

/** What `changePassword` resolves. */
export interface ChangePasswordResult {
  /** The user's other sessions, ended. */
  revokedSessions: number;
}

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

/** What `deleteAccount` and `confirmAccountDeletion` resolve. */
export interface DeleteAccountResult {
  /** The id of the user who no longer exists. */
  userId: string;
}

/** @internal Who is calling: the client address, and the session if signed in. */
export interface FlowContext {
  ip: string | null;
  session: { userId: string; sessionId: string | null } | null;
}

/** @internal A signed-in caller. */
export type SignedInContext = FlowContext & { session: NonNullable<FlowContext["session"]> };

/** Options of `verifyEmail`. */
export interface VerifyEmailOptions {
  /**
   * The account's password, when the link is opened in a browser that is not signed in to the
   * account: the link proves the mailbox, the password proves who chose it (see the README's
   * account-linking rule). Not needed when signed in, or for an account without a password.
   */
  password?: string;
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

/** @internal What the account flows need. */
export interface LifecycleDeps {
  db: AuthDatabase;
  tables: Pick<AuthTables, "users" | "accounts" | "sessions" | "verificationTokens">;
  /** The pre-account-takeover rule: what every proof of an unverified address removes. */
  claim: AccountClaim;
  tokens: TokenStore;
  mailer: Mailer;
  limiter: Limiter;
  rules: { email: RateLimitRuleSettings; confirm: RateLimitRuleSettings; signIn: RateLimitRuleSettings };
  policy: PasswordPolicy;
  scrypt: ScryptParams;
  /** The absolute link for a flow's page and a token. */
  link: (path: string, token: string) => string;
  appName: string;
  flows: Pick<AuthSettings, "emailVerification" | "passwordReset" | "emailChange" | "accountDeletion">;
  logger: { warn: (message: string, error: unknown) => void };
}

/** @internal The account flows, free of Next.js: the caller is passed in as a {@link FlowContext}. */
export interface Lifecycle {
  sendSignUpVerification(user: { id: string; email: string }): Promise<void>;
  requestEmailVerification(email: unknown, context: FlowContext): Promise<void>;
  verifyEmail(token: unknown, context: FlowContext, options?: VerifyEmailOptions): Promise<VerifyEmailResult>;
  requestPasswordReset(email: unknown, context: FlowContext): Promise<void>;
  resetPassword(token: unknown, newPassword: unknown, context: FlowContext): Promise<ResetPasswordResult>;
  changePassword(
    currentPassword: unknown,
    newPassword: unknown,
    context: SignedInContext,
  ): Promise<ChangePasswordResult>;
  requestEmailChange(newEmail: unknown, context: SignedInContext, options?: ReauthenticateOptions): Promise<void>;
  approveEmailChange(token: unknown, context: FlowContext): Promise<void>;
  confirmEmailChange(token: unknown, context: FlowContext): Promise<ConfirmEmailChangeResult>;
  deleteAccount(context: SignedInContext, options?: ReauthenticateOptions): Promise<DeleteAccountResult>;
  requestAccountDeletion(context: SignedInContext): Promise<void>;
  confirmAccountDeletion(token: unknown, context: FlowContext): Promise<DeleteAccountResult>;
}

/** @internal */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const { db, tables, tokens, mailer, limiter, rules, flows, claim } = deps;
  const { users, accounts, sessions, verificationTokens } = tables;
  const emailInput = z.object({ email: emailSchema });
  const newEmailInput = z.object({ newEmail: emailSchema });
  const passwordInput = z.object({ newPassword: newPasswordSchema(deps.policy) });
  const proofInput = z.object({ password: z.string({ error: "must be a string" }).optional() }).optional();

  const userById = async (id: string): Promise<AuthUser | null> =>
    (await db.select().from(users).where(eq(users.id, id)).limit(1))[0] ?? null;
  const userByEmail = async (email: string): Promise<AuthUser | null> =>
    (await db.select().from(users).where(eq(users.email, email)).limit(1))[0] ?? null;

  async function sendLink(
    template: EmailTemplate<LinkEmailParams>,
    to: string,
    path: string,
    issued: { token: string; expires: Date },
  ): Promise<void> {
    const content = await template({
      to,
      url: deps.link(path, issued.token),
      expires: issued.expires,
      appName: deps.appName,
    });
    await mailer.send({ to, ...content });
  }

  /** Mail requests: per IP across every flow, per recipient for each flow. */
  const limitMail = (purpose: TokenPurpose, account: string, context: FlowContext): Promise<void> =>
    limiter.enforce("email", rules.email, { ip: context.ip, account: `${purpose}:${account}` });
  const limitConfirm = (context: FlowContext): Promise<void> =>
    limiter.enforce("confirm", rules.confirm, { ip: context.ip, account: context.session?.userId ?? null });

  /** A consumed token's user, who must still have the address the link was sent to. */
  async function tokenUser(row: TokenRow, options: { sameEmail: boolean }): Promise<AuthUser> {
    const user = row.userId ? await userById(row.userId) : null;
    if (!user || (options.sameEmail && user.email !== row.identifier)) throw invalidToken();
    return user;
  }

  /** Deletes the user's sessions except `keep`; returns how many. */
  const revokeSessions = (userId: string, keep: string | null) =>
    db
      .delete(sessions)
      .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId))
      .returning({ id: sessions.id });

  /** The caller's session id, kept when the caller is signed in as `userId`. */
  const ownSession = (context: FlowContext, userId: string): string | null =>
    context.session?.userId === userId ? context.session.sessionId : null;

  /** The user's credentials row, when they have a password. */
  async function credentialsOf(userId: string): Promise<{ id: string; passwordHash: string } | null> {
    const [account] = await db
      .select({ id: accounts.id, passwordHash: accounts.passwordHash })
      .from(accounts)
      .where(credentialsAccountOf(accounts, userId))
      .limit(1);
    return account?.passwordHash ? { id: account.id, passwordHash: account.passwordHash } : null;
  }

  /**
   * Checks a password the user typed to prove it is them, exactly as sign-in does: rate-limited,
   * counted toward the lockout before it is checked, one hash whatever the outcome. Throws
   * `InvalidCredentialsError`, `AccountLockedError` or `RateLimitError`.
   */
  async function provePassword(
    user: AuthUser,
    given: unknown,
    stored: string | null,
    context: FlowContext,
  ): Promise<void> {
    const lockKey = user.email ?? user.id;
    await limiter.enforce("change-password", rules.signIn, { ip: context.ip, account: lockKey });
    const password = parseSignInPassword(given, deps.policy);
    const outcome = await verifyUnderLockout(limiter, { account: lockKey }, async () =>
      password === null ? false : stored ? verifyPassword(password, stored) : burnPasswordHash(password, deps.scrypt),
    );
    if (outcome.status === "locked") {
      throw new AccountLockedError("Too many wrong passwords; try again later.", { retryAfter: outcome.retryAfter });
    }
    if (outcome.status === "invalid" || !stored) throw new InvalidCredentialsError("The password is wrong.");
  }

  /** Mails the link that moves the account to `newEmail` once it is opened. */
  async function sendChangeLink(userId: string, newEmail: string): Promise<void> {
    const { expiresIn, path, template } = flows.emailChange;
    const issued = await tokens.issue({ purpose: "change-email", identifier: newEmail, userId, expiresIn });
    await sendLink(template ?? defaultEmailTemplates.changeEmail, newEmail, path, issued);
  }

  async function issueVerification(user: { id: string; email: string }): Promise<void> {
    const { expiresIn, path, template } = flows.emailVerification;
    const issued = await tokens.issue({ purpose: "verify-email", identifier: user.email, userId: user.id, expiresIn });
    await sendLink(template ?? defaultEmailTemplates.verifyEmail, user.email, path, issued);
  }

  async function deleteUser(user: AuthUser): Promise<void> {
    const extra = flows.accountDeletion.beforeDelete
      ? await flows.accountDeletion.beforeDelete({ user, db })
      : undefined;
    if (extra === false) throw new ForbiddenError("This account cannot be deleted now.");
    const statements: BatchItem<"sqlite">[] = [...(extra ?? [])];
    // Sign-in tokens written by Auth.js carry only the address; the others cascade with the user.
    if (user.email) statements.push(db.delete(verificationTokens).where(eq(verificationTokens.identifier, user.email)));
    statements.push(db.delete(users).where(eq(users.id, user.id)));
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    if (user.email) await limiter.clearLockout(user.email).catch(() => undefined);
  }

  return {
    async sendSignUpVerification(user) {
      await issueVerification(user);
    },

    async requestEmailVerification(input, context) {
      const { email } = parseInput(emailInput, { email: input }, "requestEmailVerification");
      mailer.assertAvailable("requestEmailVerification");
      await limitMail("verify-email", email, context);
      const user = await userByEmail(email);
      if (user?.email && !user.emailVerified) await issueVerification({ id: user.id, email: user.email });
    },

    async verifyEmail(token, context, options) {
      const { password } = parseInput(proofInput, options, "verifyEmail") ?? {};
      await limitConfirm(context);
      const row = await tokens.consume(token as string, "verify-email", { userId: context.session?.userId });
      const user = await tokenUser(row, { sameEmail: true });
      if (user.emailVerified) return { userId: user.id, email: row.identifier };
      const signedIn = context.session?.userId === user.id;
      const credentials = await credentialsOf(user.id);
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
          await provePassword(user, password, credentials.passwordHash, context);
        }
      } catch (error) {
        // Nothing was proven: the link stays usable for the owner.
        await tokens.restore(row).catch(() => undefined);
        throw error;
      }
      await db.batch(
        nonEmpty(
          claim.statements(user.id, {
            sessionId: ownSession(context, user.id),
            credentials: Boolean(credentials),
          }),
        ),
      );
      return { userId: user.id, email: row.identifier };
    },

    async requestPasswordReset(input, context) {
      const { email } = parseInput(emailInput, { email: input }, "requestPasswordReset");
      mailer.assertAvailable("requestPasswordReset");
      await limitMail("reset-password", email, context);
      const user = await userByEmail(email);
      if (!user?.email) return;
      const { expiresIn, path, template } = flows.passwordReset;
      const issued = await tokens.issue({
        purpose: "reset-password",
        identifier: user.email,
        userId: user.id,
        expiresIn,
      });
      await sendLink(template ?? defaultEmailTemplates.resetPassword, user.email, path, issued);
    },

    async resetPassword(token, newPassword, context) {
      const { newPassword: password } = parseInput(passwordInput, { newPassword }, "resetPassword");
      await limitConfirm(context);
      const row = await tokens.consume(token as string, "reset-password", { userId: context.session?.userId });
      const user = await tokenUser(row, { sameEmail: true });
      const passwordHash = await hashPassword(password, deps.scrypt);
      const keep = ownSession(context, user.id);
      // An unverified account is taken over by whoever proves the mailbox: everything the prover
      // did not create goes (another's password, linked identities, passkeys, sessions, links).
      const claimed = user.emailVerified ? [] : claim.statements(user.id, { sessionId: keep });
      const [revoked] = await db.batch([
        revokeSessions(user.id, keep),
        ...claimed,
        db
          .insert(accounts)
          .values({
            userId: user.id,
            type: "credentials",
            provider: CREDENTIALS_PROVIDER_ID,
            providerAccountId: user.id,
            passwordHash,
          })
          .onConflictDoUpdate({ target: [accounts.provider, accounts.providerAccountId], set: { passwordHash } }),
      ]);
      await limiter.clearLockout(row.identifier);
      return { userId: user.id, email: row.identifier, revokedSessions: revoked.length };
    },

    async changePassword(currentPassword, newPassword, context) {
      const { newPassword: password } = parseInput(passwordInput, { newPassword }, "changePassword");
      const user = await userById(context.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      const account = await credentialsOf(user.id);
      await provePassword(user, currentPassword, account?.passwordHash ?? null, context);
      if (!account) throw new InvalidCredentialsError("The password is wrong.");
      const passwordHash = await hashPassword(password, deps.scrypt);
      const [, revoked] = await db.batch([
        db.update(accounts).set({ passwordHash }).where(eq(accounts.id, account.id)),
        revokeSessions(user.id, context.session.sessionId),
      ]);
      return { revokedSessions: revoked.length };
    },

    async requestEmailChange(input, context, options) {
      const { newEmail } = parseInput(newEmailInput, { newEmail: input }, "requestEmailChange");
      const { password } = parseInput(proofInput, options, "requestEmailChange") ?? {};
      mailer.assertAvailable("requestEmailChange");
      const user = await userById(context.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      if (user.email === newEmail) {
        throw new ValidationError("requestEmailChange: newEmail: is already the account's email", {
          issues: [{ path: "newEmail", message: "is already the account's email" }],
        });
      }
      // A session cookie alone must not be enough to move the account to another address: a
      // cookie stolen within the fresh window would otherwise take the account for good.
      const credentials = await credentialsOf(user.id);
      const approvalFirst = !credentials && Boolean(user.email);
      if (credentials) {
        if (password === undefined) {
          throw new ReauthenticationRequiredError("Enter your current password to change your email address.");
        }
        await provePassword(user, password, credentials.passwordHash, context);
      }
      await limitMail("change-email", user.id, context);
      // Taken: the same answer and no mail, so the form cannot be used to probe for accounts.
      if (await userByEmail(newEmail)) return;
      const { expiresIn } = flows.emailChange;
      if (approvalFirst && user.email) {
        // No password: the current address approves first (better-auth's sendChangeEmailVerification).
        const issued = await tokens.issue({
          purpose: "approve-email-change",
          identifier: newEmail,
          userId: user.id,
          expiresIn,
        });
        const template = flows.emailChange.approvalTemplate ?? defaultEmailTemplates.approveEmailChange;
        await sendLink(template, user.email, flows.emailChange.approvalPath, issued);
        return;
      }
      await sendChangeLink(user.id, newEmail);
    },

    async approveEmailChange(token, context) {
      await limitConfirm(context);
      const row = await tokens.consume(token as string, "approve-email-change", { userId: context.session?.userId });
      const user = await tokenUser(row, { sameEmail: false });
      await limitMail("change-email", user.id, context);
      if (await userByEmail(row.identifier)) return;
      await sendChangeLink(user.id, row.identifier);
    },

    async confirmEmailChange(token, context) {
      await limitConfirm(context);
      const row = await tokens.consume(token as string, "change-email", { userId: context.session?.userId });
      const user = await tokenUser(row, { sameEmail: false });
      const email = row.identifier;
      const stale: TokenPurpose[] = ["verify-email", "reset-password", "delete-account", "approve-email-change"];
      let revoked: { id: string }[];
      try {
        [, revoked] = await db.batch([
          db.update(users).set({ email, emailVerified: new Date() }).where(eq(users.id, user.id)),
          revokeSessions(user.id, ownSession(context, user.id)),
          // Links sent to the old address stop working with it.
          db
            .delete(verificationTokens)
            .where(and(eq(verificationTokens.userId, user.id), inArray(verificationTokens.purpose, stale))),
        ]);
      } catch (error) {
        const converted = toConflictError(error);
        if (isTetrastackError(converted, "CONFLICT")) throw converted;
        throw error;
      }
      if (user.email) {
        try {
          const notice = flows.emailChange.noticeTemplate ?? defaultEmailTemplates.emailChanged;
          const content = await notice({
            to: user.email,
            previousEmail: user.email,
            newEmail: email,
            appName: deps.appName,
          });
          await mailer.send({ to: user.email, ...content });
        } catch (error) {
          // The change is done and cannot be undone by a mail failure; say so in the logs.
          deps.logger.warn("could not send the email-change notice to the old address", error);
        }
      }
      return { userId: user.id, email, previousEmail: user.email, revokedSessions: revoked.length };
    },

    async deleteAccount(context, options) {
      const { password } = parseInput(proofInput, options, "deleteAccount") ?? {};
      await limitConfirm(context);
      const user = await userById(context.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      const credentials = await credentialsOf(user.id);
      if (credentials) {
        if (password === undefined) {
          throw new ReauthenticationRequiredError("Enter your password to delete your account.");
        }
        await provePassword(user, password, credentials.passwordHash, context);
      } else if (user.email) {
        // No password to ask for: the mailbox confirms instead (requestAccountDeletion).
        throw new ReauthenticationRequiredError(
          "Confirm by email: this account has no password, so deleting it needs the link requestAccountDeletion() sends.",
        );
      }
      await deleteUser(user);
      return { userId: user.id };
    },

    async requestAccountDeletion(context) {
      mailer.assertAvailable("requestAccountDeletion");
      const user = await userById(context.session.userId);
      if (!user) throw new UnauthorizedError("Sign in to continue.");
      if (!user.email) {
        throw new ValidationError("requestAccountDeletion: the account has no email; use deleteAccount", {
          issues: [{ path: "email", message: "the account has no email address" }],
        });
      }
      await limitMail("delete-account", user.id, context);
      const { expiresIn, path, template } = flows.accountDeletion;
      const issued = await tokens.issue({
        purpose: "delete-account",
        identifier: user.email,
        userId: user.id,
        expiresIn,
      });
      await sendLink(template ?? defaultEmailTemplates.deleteAccount, user.email, path, issued);
    },

    async confirmAccountDeletion(token, context) {
      await limitConfirm(context);
      const row = await tokens.consume(token as string, "delete-account", { userId: context.session?.userId });
      const user = await tokenUser(row, { sameEmail: true });
      try {
        await deleteUser(user);
      } catch (error) {
        // Refused (or failed) before anything was deleted: the link may be used again.
        await tokens.restore(row).catch(() => undefined);
        throw error;
      }
      return { userId: user.id };
    },
  };
}

/** drizzle's `batch` wants a non-empty tuple. */
function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (items.length === 0) throw new Error("batch: no statements");
  return items as [T, ...T[]];
}

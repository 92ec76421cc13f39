/**
 * `@tetrastack/backend/auth`: Auth.js (next-auth v5) with the Drizzle adapter, secure by default.
 * `createAuth` for `auth.ts` (email + password with revocable database sessions, OAuth with safe
 * account linking, scrypt, rate limits, lockout, fast server helpers, and the account flows:
 * email verification, password reset, email and password change, account deletion, sign-in by
 * email link); `createAuthConfig` for an edge-safe `proxy.ts`; the errors both throw.
 * @module
 */

/** Auth.js's error classes (from next-auth), for `instanceof` checks in server actions. */
export { AuthError, CredentialsSignin } from "next-auth";
/** What a one-time link is for (the `purpose` column of `verification_tokens`). */
export type { TokenPurpose } from "../database/tables.js";
/** The errors this subpath throws (`isTetrastackError(e, "CONFLICT")` works across package copies). */
export {
  AccountLockedError,
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  EmailNotVerifiedError,
  type ErrorClassByCode,
  type ErrorCode,
  ForbiddenError,
  InvalidCredentialsError,
  isTetrastackError,
  MailNotConfiguredError,
  RateLimitError,
  StaleSessionError,
  TetrastackError,
  TokenError,
  type TokenErrorCode,
  UnauthorizedError,
  ValidationError,
} from "../shared/errors.js";
/** The edge-safe config for `proxy.ts`, and the session-cookie helpers it offers. */
export {
  CREDENTIALS_PROVIDER_ID,
  createAuthConfig,
  hasSessionCookie,
  type SessionCookieOptions,
  sessionCookieName,
} from "./auth-config.js";
/** The session shape every entry point returns. */
export type { AuthSession } from "./callbacks.js";
/** How the client address is found for rate limits. */
export { defaultClientIP } from "./client-ip.js";
/** The factory for `auth.ts` and its result. */
export { type Auth, createAuth, defaultIsEmailVerified, type RequireUserOptions } from "./create-auth.js";
/** What a failed credentials sign-in throws, and its mapping to form errors. */
export {
  CredentialsSigninError,
  getSignInError,
  type SignInErrorCode,
  type SignInFailure,
} from "./credentials.js";
/** The email normalisation used everywhere emails are stored or looked up. */
export { normalizeEmail } from "./email.js";
/** Sign-in by email link: the provider id and `sendSignInLink`'s options. */
export { EMAIL_PROVIDER_ID, type SendSignInLinkOptions } from "./email-link.js";
/** What the account flows resolve. */
export type {
  ChangePasswordResult,
  ConfirmEmailChangeResult,
  DeleteAccountResult,
  ResetPasswordResult,
  VerifyEmailResult,
} from "./lifecycle.js";
/** A development `sendEmail` that logs and keeps mails for a dev-only mailbox page. */
export { createDevMailbox, type DevMailbox, type DevMailboxMessage, type DevMailboxOptions } from "./mailer.js";
/** Options, their schemas and defaults. */
export {
  type AccountDeletionOptions,
  type AccountLinkingOptions,
  type AuthCallbacks,
  type AuthConfigOptions,
  type AuthDatabase,
  type AuthEvents,
  type AuthOptions,
  type AuthTables,
  type AuthUser,
  authConfigOptionsSchema,
  authOptionsSchema,
  type BeforeDeleteAccount,
  type BeforeDeleteResult,
  DEFAULT_FRESH_AGE,
  DEFAULT_SESSION_MAX_AGE,
  DEFAULT_SESSION_UPDATE_AGE,
  type EmailChangeOptions,
  type EmailSignInOptions,
  type EmailVerificationOptions,
  type IsEmailVerified,
  type LockoutOptions,
  type PasswordOptions,
  type PasswordResetOptions,
  type RateLimitOptions,
  type RateLimitRule,
  type RegistrationOptions,
  type SessionOptions,
} from "./options.js";
/** Password hashing (scrypt, PHC strings), for flows of your own such as a password change. */
export {
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  type ParsedPasswordHash,
  type PasswordPolicy,
  parsePasswordHash,
  type ScryptParams,
  verifyPassword,
} from "./password.js";
/** Registration types. */
export type { RegisteredUser, RegisterResult, RegisterUserInput, RegisterUserOptions } from "./register.js";
/** Session tokens: what the cookie carries and what the database stores. */
export { generateSessionToken, hashSessionToken } from "./session-token.js";
/** A row of `listSessions`. */
export type { SessionInfo } from "./sessions.js";
/** The mails of the account flows: what `sendEmail` receives, and the templates that build them. */
export {
  defaultEmailTemplates,
  type EmailChangedParams,
  type EmailContent,
  type EmailMessage,
  type EmailTemplate,
  type EmailTemplates,
  type LinkEmailParams,
  type SendEmail,
} from "./templates.js";

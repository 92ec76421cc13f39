/**
 * `@tetrastack/backend/auth`: Auth.js (next-auth v5) with the Drizzle adapter, secure by default.
 * `createAuth` for `auth.ts` (email + password with revocable database sessions, OAuth with safe
 * account linking, scrypt, rate limits, lockout, fast server helpers, and the account flows:
 * email verification, password reset, email and password change, account deletion, sign-in by
 * email link; organizations with roles, invitations and an audit log; access tokens with JWKS,
 * refresh tokens, API keys); `createAuthConfig` for an
 * edge-safe `proxy.ts`; the errors both throw.
 * @module
 */

/** What a one-time link is for (the `purpose` column of `verification_tokens`), and an invitation's state. */
export type { InvitationStatus, TokenPurpose } from "../database/tables.js";
/** A Server Action's caught error (the package's, or `signIn`'s) as `{ error: { code, message } }` for its form. */
export {
  type ActionError,
  type ActionErrorCode,
  type ToActionErrorOptions,
  toActionError,
} from "../shared/action-error.js";
/** The errors this subpath throws (`isTetrastackError(e, "CONFLICT")` works across package copies). */
export {
  AccessTokenError,
  type AccessTokenErrorCode,
  AccountLockedError,
  APIKeyError,
  type APIKeyErrorCode,
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  EmailNotVerifiedError,
  type ErrorClassByCode,
  type ErrorCode,
  ForbiddenError,
  InvalidCredentialsError,
  isTetrastackError,
  LastOwnerError,
  MailNotConfiguredError,
  NoActiveOrganizationError,
  NotAMemberError,
  RateLimitError,
  ReauthenticationRequiredError,
  RefreshTokenError,
  type RefreshTokenErrorCode,
  StaleSessionError,
  TetrastackError,
  TokenError,
  type TokenErrorCode,
  UnauthorizedError,
  UntrustedHostError,
  ValidationError,
} from "../shared/errors.js";
/** The email normalisation used everywhere emails are stored or looked up. */
export { normalizeEmail } from "./accounts/email.js";
/** The JSON API: its option and its route handlers (`auth.apiHandlers`). */
export type { APIHandlers, RouteHandler } from "./api/handlers.js";
export type { APIOptions } from "./api/options.js";
/** The prefix of API keys unless `apiKeys.prefix` names another. */
export { DEFAULT_API_KEY_PREFIX } from "./api-keys/format.js";
/** The audit log: its events, pages and retention option. */
export type { AuditAction, AuditEvent, AuditOptions, AuditPage } from "./audit/log.js";
/** Whether an OAuth provider vouches for an address (the default of `accountLinking.isEmailVerified`). */
/** Options, their schemas and defaults. */
export {
  type AccountLinkingOptions,
  defaultIsEmailVerified,
  type IsEmailVerified,
} from "./authjs/account-linking.js";
/** Auth.js's error classes (from next-auth), for `instanceof` checks in server actions. */
/** What a failed credentials sign-in throws, and its mapping to form errors. */
export {
  AuthError,
  CredentialsSignin,
  CredentialsSigninError,
  getSignInError,
  type SignInErrorCode,
  type SignInFailure,
} from "./authjs/credentials.js";
export { createAuthConfig } from "./authjs/edge-config.js";
export type { AuthCallbacks, AuthEvents } from "./authjs/types.js";
export { type AuthConfigOptions, authConfigOptionsSchema } from "./config-options.js";
/** The edge-safe config for `proxy.ts`, and the session-cookie helpers it offers. */
/** Sign-in by email link: the provider id and `sendSignInLink`'s options. */
export { CREDENTIALS_PROVIDER_ID, EMAIL_PROVIDER_ID } from "./constants.js";
/** The factory for `auth.ts` and its result. */
export { type Auth, createAuth } from "./create-auth.js";
/** Access tokens: the options of `getAccessToken()`/`verifyAccessToken()`. */
export type { GetAccessTokenOptions, VerifyAccessTokenOptions } from "./features/access-tokens.js";
/** What the account flows resolve, and their options. */
export type {
  AccountDeletionOptions,
  BeforeDeleteAccount,
  BeforeDeleteResult,
  DeleteAccountResult,
} from "./features/account-deletion.js";
/** API keys: options and results of `createAPIKey()`, `verifyAPIKey()`, `listAPIKeys()`. */
export type {
  APIKeyInfo,
  APIKeyOptions,
  CreateAPIKeyOptions,
  CreatedAPIKey,
  VerifiedAPIKey,
  VerifyAPIKeyOptions,
} from "./features/api-keys.js";
export type { ListAuditEventsOptions } from "./features/audit-log.js";
export type { ConfirmEmailChangeResult, EmailChangeOptions } from "./features/email-change.js";
export type { EmailSignInOptions, SendSignInLinkOptions } from "./features/email-sign-in.js";
export type { EmailVerificationOptions, VerifyEmailOptions, VerifyEmailResult } from "./features/email-verification.js";
/** Organizations: what their methods take and return. */
export type {
  AcceptedInvitation,
  Invitation,
  InvitationDetails,
  InvitationRef,
  InviteMemberInput,
} from "./features/organization-invitations.js";
export type { ListMembersOptions, MemberInfo, MemberPage } from "./features/organization-members.js";
export type {
  CreateOrganizationInput,
  Membership,
  RequireMemberOptions,
  UpdateOrganizationInput,
} from "./features/organizations.js";
export type { ChangePasswordResult } from "./features/password-change.js";
export type { PasswordResetOptions, ResetPasswordResult } from "./features/password-reset.js";
/** Refresh tokens: the option and the pair `issueTokenPair()`/`refreshTokenPair()` return. */
export type { RefreshTokenOptions, TokenPair } from "./features/refresh-tokens.js";
/** Registration types. */
export type {
  RegisteredUser,
  RegisterResult,
  RegisterUserInput,
  RegisterUserOptions,
  RegistrationOptions,
} from "./features/registration.js";
/** Options of `requireUser()` and `requireFreshSession()`. */
export type { RequireUserOptions } from "./features/sessions.js";
/** How the client address is found for rate limits. */
export { type ClientIPSource, defaultClientIP } from "./limits/client-ip.js";
export type { LockoutOptions, RateLimitOptions, RateLimitRule } from "./limits/options.js";
/** A development `sendEmail` that logs and keeps mails for a dev-only mailbox page. */
export {
  createDevMailbox,
  type DevMailbox,
  type DevMailboxMessage,
  type DevMailboxOptions,
} from "./mail/dev-mailbox.js";
/** The mails of the account flows: what `sendEmail` receives, and the templates that build them. */
export {
  defaultEmailTemplates,
  type EmailChangedParams,
  type EmailContent,
  type EmailMessage,
  type EmailTemplate,
  type EmailTemplates,
  type InvitationEmailParams,
  type LinkEmailParams,
  type SendEmail,
} from "./mail/templates.js";
export { type AuthOptions, authOptionsSchema } from "./options.js";
/** Roles and permissions of organizations. */
export {
  type AccessControl,
  type AccessControlOptions,
  BUILT_IN_STATEMENTS,
  type BuiltInRole,
  type BuiltInStatements,
  createAccessControl,
  type DefaultAccessControl,
  type PermissionOf,
  type Permissions,
  type RoleOf,
  type Statements,
} from "./organizations/access.js";
/** The options of organizations and what they are given. */
export type {
  BeforeDeleteOrganization,
  BeforeDeleteOrganizationResult,
  InvitationOptions,
  Organization,
  OrganizationOptions,
} from "./organizations/options.js";
export type { OrganizationMembership } from "./organizations/store.js";
/** Password hashing (scrypt, PHC strings), for flows of your own such as a password change. */
export {
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  type ParsedPasswordHash,
  parsePasswordHash,
  type ScryptParams,
  verifyPassword,
} from "./password/hash.js";
export type { PasswordOptions } from "./password/options.js";
export type { PasswordPolicy } from "./password/policy.js";
export type { ReauthenticateOptions } from "./password/verify.js";
export { hasSessionCookie, type SessionCookieOptions, sessionCookieName } from "./session/cookies.js";
export {
  DEFAULT_FRESH_AGE,
  DEFAULT_SESSION_MAX_AGE,
  DEFAULT_SESSION_UPDATE_AGE,
  type SessionOptions,
} from "./session/options.js";
/** A row of `listSessions`. */
export type { SessionInfo } from "./session/store.js";
/** Session tokens: what the cookie carries and what the database stores. */
export { generateSessionToken, hashSessionToken } from "./session/token.js";
/** The session shape every entry point returns. */
export type { AuthSession } from "./session/types.js";
export type { AuthDatabase, AuthTables, AuthUser } from "./tables.js";
/** Access tokens: what `getAccessToken()` returns, the claims `verifyAccessToken()` returns, `/jwks`. */
export type { AccessToken, AccessTokenClaims, JSONWebKeySet } from "./tokens/access-tokens.js";
export type { AccessTokenAlgorithm, AccessTokenOptions } from "./tokens/options.js";

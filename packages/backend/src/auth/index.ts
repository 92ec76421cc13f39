/**
 * `@tetrastack/backend/auth`: Auth.js (next-auth v5) with the Drizzle adapter, secure by default.
 * `createAuth` for `auth.ts` (email + password with revocable database sessions, OAuth with safe
 * account linking, scrypt, rate limits, lockout, fast server helpers); `createAuthConfig` for an
 * edge-safe `proxy.ts`; the errors both throw.
 * @module
 */

/** Auth.js's error classes (from next-auth), for `instanceof` checks in server actions. */
export { AuthError, CredentialsSignin } from "next-auth";
/** The errors this subpath throws (`isTetrastackError(e, "CONFLICT")` works across package copies). */
export {
  AccountLockedError,
  ConfigError,
  ConflictError,
  type ErrorCode,
  InvalidCredentialsError,
  isTetrastackError,
  RateLimitError,
  StaleSessionError,
  TetrastackError,
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
/** Options, their schemas and defaults. */
export {
  type AccountLinkingOptions,
  type AuthCallbacks,
  type AuthConfigOptions,
  type AuthDatabase,
  type AuthEvents,
  type AuthOptions,
  type AuthTables,
  authConfigOptionsSchema,
  authOptionsSchema,
  DEFAULT_SESSION_MAX_AGE,
  DEFAULT_SESSION_UPDATE_AGE,
  type IsEmailVerified,
  type LockoutOptions,
  type PasswordOptions,
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

import { TetrastackError, type TetrastackErrorOptions, wholeSeconds } from "./base.js";

// The errors of `/auth`: sign-in, the lockout, sessions and the account flows.

/** The email or password is wrong, or the account does not exist (deliberately not told apart). */
export class InvalidCredentialsError extends TetrastackError<"INVALID_CREDENTIALS"> {
  readonly code = "INVALID_CREDENTIALS";
  readonly status = 401;
}

/** Sign-in is refused for a while after repeated failures for this account; see `retryAfter`. */
export class AccountLockedError extends TetrastackError<"ACCOUNT_LOCKED"> {
  readonly code = "ACCOUNT_LOCKED";
  readonly status = 423;
  /** Whole seconds until the lock ends. */
  readonly retryAfter: number;

  constructor(message: string, options: TetrastackErrorOptions & { retryAfter: number }) {
    super(message, options);
    this.retryAfter = wholeSeconds(options?.retryAfter);
  }

  override toJSON(): { name: string; code: "ACCOUNT_LOCKED"; message: string; retryAfter: number } {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/** The caller is signed in, but not recently enough for this action: sign in again. */
export class StaleSessionError extends TetrastackError<"SESSION_STALE"> {
  readonly code = "SESSION_STALE";
  readonly status = 401;
}

/**
 * The action needs proof beyond the session cookie: the current password, or (for an account
 * without one) confirmation through a link to its address. A stolen cookie alone must never be
 * able to move the account to another address or delete it.
 *
 * @example
 * if (isTetrastackError(e, "REAUTHENTICATION_REQUIRED")) return { error: "Enter your password to continue." }
 */
export class ReauthenticationRequiredError extends TetrastackError<"REAUTHENTICATION_REQUIRED"> {
  readonly code = "REAUTHENTICATION_REQUIRED";
  readonly status = 401;
}

/** Codes of {@link TokenError}. */
export type TokenErrorCode = "TOKEN_INVALID" | "TOKEN_EXPIRED";

/**
 * A one-time link's token was refused. `TOKEN_EXPIRED` (410): it was genuine but too old (it is
 * deleted); ask for a new link. `TOKEN_INVALID` (400): anything else — unknown, already used,
 * tampered, issued for another purpose or another user, or made stale by a later change (the
 * email it was sent to is no longer the account's); deliberately not told apart.
 *
 * @example
 * if (isTetrastackError(e, "TOKEN_EXPIRED")) return { error: "This link has expired. Ask for a new one." }
 */
export class TokenError extends TetrastackError<TokenErrorCode> {
  readonly code: TokenErrorCode;
  readonly status: number;

  constructor(message: string, options: TetrastackErrorOptions & { code: TokenErrorCode }) {
    super(message, options);
    this.code = options.code;
    this.status = options.code === "TOKEN_EXPIRED" ? 410 : 400;
  }
}

/** The password was right, but the account's email must be verified before signing in with it. */
export class EmailNotVerifiedError extends TetrastackError<"EMAIL_NOT_VERIFIED"> {
  readonly code = "EMAIL_NOT_VERIFIED";
  readonly status = 403;
}

/**
 * A flow that sends mail was called, but no mail can be sent: `sendEmail: false`, or production
 * without `sendEmail`. Pass `sendEmail` to `createAuth`.
 */
export class MailNotConfiguredError extends TetrastackError<"MAIL_NOT_CONFIGURED"> {
  readonly code = "MAIL_NOT_CONFIGURED";
  readonly status = 500;
}

/**
 * Auth.js refuses every request because it does not trust the `Host` header: production
 * (`next start`, a container) without `AUTH_URL` or `AUTH_TRUST_HOST`. Set `AUTH_URL` to the
 * app's public URL, or `AUTH_TRUST_HOST=true` behind a proxy you control that sets `Host`.
 * `next dev`, Vercel and Cloudflare Pages are trusted without either.
 */
export class UntrustedHostError extends TetrastackError<"UNTRUSTED_HOST"> {
  readonly code = "UNTRUSTED_HOST";
  readonly status = 500;
}

/** Codes of {@link AccessTokenError}. */
export type AccessTokenErrorCode =
  | "ACCESS_TOKEN_INVALID"
  | "ACCESS_TOKEN_EXPIRED"
  | "ACCESS_TOKEN_WRONG_AUDIENCE"
  | "ACCESS_TOKEN_WRONG_ISSUER"
  | "ACCESS_TOKEN_UNKNOWN_KEY"
  | "ACCESS_TOKEN_WRONG_ALGORITHM";

/**
 * `verifyAccessToken` refused a token (401). `ACCESS_TOKEN_EXPIRED`: genuine but past its `exp`
 * (get a new one). `ACCESS_TOKEN_WRONG_AUDIENCE` / `ACCESS_TOKEN_WRONG_ISSUER`: genuine, but
 * issued for another service or by another issuer. `ACCESS_TOKEN_UNKNOWN_KEY`: its `kid` names
 * no key this app signs with (or one retired long enough ago). `ACCESS_TOKEN_WRONG_ALGORITHM`:
 * its header names an algorithm that is not its key's (`alg: none`, HS256 over a public key).
 * `ACCESS_TOKEN_INVALID`: anything else — malformed, tampered, a bad signature, missing claims.
 *
 * @example
 * if (isTetrastackError(e, "ACCESS_TOKEN_EXPIRED")) return Response.json({ code: e.code }, { status: 401 })
 */
export class AccessTokenError extends TetrastackError<AccessTokenErrorCode> {
  readonly code: AccessTokenErrorCode;
  readonly status = 401;

  constructor(message: string, options: TetrastackErrorOptions & { code: AccessTokenErrorCode }) {
    super(message, options);
    this.code = options.code;
  }
}

/** Codes of {@link RefreshTokenError}. */
export type RefreshTokenErrorCode = "REFRESH_TOKEN_INVALID" | "REFRESH_TOKEN_EXPIRED" | "REFRESH_TOKEN_REUSED";

/**
 * A refresh token was refused (401); the client must sign in again. `REFRESH_TOKEN_REUSED`: it
 * had been used already, so it was stolen or replayed: its session and every token derived from
 * it were ended, and the reuse recorded. `REFRESH_TOKEN_EXPIRED`: past its expiry or its
 * family's absolute lifetime. `REFRESH_TOKEN_INVALID`: unknown, malformed, or its session ended.
 */
export class RefreshTokenError extends TetrastackError<RefreshTokenErrorCode> {
  readonly code: RefreshTokenErrorCode;
  readonly status = 401;

  constructor(message: string, options: TetrastackErrorOptions & { code: RefreshTokenErrorCode }) {
    super(message, options);
    this.code = options.code;
  }
}

/** Codes of {@link APIKeyError}. */
export type APIKeyErrorCode = "API_KEY_INVALID" | "API_KEY_EXPIRED" | "API_KEY_INSUFFICIENT_SCOPE";

/**
 * `verifyAPIKey` refused a request. `API_KEY_INVALID` (401): no key, a malformed or unknown key,
 * or a revoked one. `API_KEY_EXPIRED` (401): past its expiry. `API_KEY_INSUFFICIENT_SCOPE` (403):
 * a genuine key without every scope asked for. The message never contains the key.
 */
export class APIKeyError extends TetrastackError<APIKeyErrorCode> {
  readonly code: APIKeyErrorCode;
  readonly status: number;

  constructor(message: string, options: TetrastackErrorOptions & { code: APIKeyErrorCode }) {
    super(message, options);
    this.code = options.code;
    this.status = options.code === "API_KEY_INSUFFICIENT_SCOPE" ? 403 : 401;
  }
}

/** @internal The codes of this file and their classes. */
export interface AuthErrorClasses {
  INVALID_CREDENTIALS: InvalidCredentialsError;
  ACCOUNT_LOCKED: AccountLockedError;
  SESSION_STALE: StaleSessionError;
  REAUTHENTICATION_REQUIRED: ReauthenticationRequiredError;
  TOKEN_INVALID: TokenError;
  TOKEN_EXPIRED: TokenError;
  EMAIL_NOT_VERIFIED: EmailNotVerifiedError;
  MAIL_NOT_CONFIGURED: MailNotConfiguredError;
  UNTRUSTED_HOST: UntrustedHostError;
  ACCESS_TOKEN_INVALID: AccessTokenError;
  ACCESS_TOKEN_EXPIRED: AccessTokenError;
  ACCESS_TOKEN_WRONG_AUDIENCE: AccessTokenError;
  ACCESS_TOKEN_WRONG_ISSUER: AccessTokenError;
  ACCESS_TOKEN_UNKNOWN_KEY: AccessTokenError;
  ACCESS_TOKEN_WRONG_ALGORITHM: AccessTokenError;
  REFRESH_TOKEN_INVALID: RefreshTokenError;
  REFRESH_TOKEN_EXPIRED: RefreshTokenError;
  REFRESH_TOKEN_REUSED: RefreshTokenError;
  API_KEY_INVALID: APIKeyError;
  API_KEY_EXPIRED: APIKeyError;
  API_KEY_INSUFFICIENT_SCOPE: APIKeyError;
}

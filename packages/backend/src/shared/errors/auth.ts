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
}

/**
 * The error family every subpath throws. Internal module: each subpath re-exports what it needs.
 *
 * Errors carry a stable, literal `code` (safe to show to a client and to switch on), an HTTP
 * `status` for route handlers, and the original error as ES2022 `cause`. `isTetrastackError`
 * checks a `Symbol.for` brand rather than `instanceof`, so it works when two copies of the
 * package are installed (CJS next to ESM, or two versions in one app).
 */

const brand: unique symbol = Symbol.for("@tetrastack/backend/error") as never;

/** Every error code this package can throw. Stable across releases: switch on it. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "DATABASE_BUSY"
  | "INVALID_CREDENTIALS"
  | "ACCOUNT_LOCKED"
  | "SESSION_STALE"
  | "REAUTHENTICATION_REQUIRED"
  | TokenErrorCode
  | "EMAIL_NOT_VERIFIED"
  | "MAIL_NOT_CONFIGURED"
  | UploadErrorCode;

/** One problem found while validating input or options. */
export interface ErrorIssue {
  /** Dotted path of the offending field, empty for the whole value. */
  path: string;
  message: string;
}

/** Options shared by every error constructor. */
export interface TetrastackErrorOptions {
  /** The underlying error, kept for logs; never shown to a client by this package. */
  cause?: unknown;
}

/** Base class of every error thrown by `@tetrastack/backend`. */
export abstract class TetrastackError<C extends ErrorCode = ErrorCode> extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: C;
  /** The HTTP status a route handler should answer with. */
  abstract readonly status: number;
  readonly [brand] = true;

  constructor(message: string, options?: TetrastackErrorOptions) {
    const cause = typeof options === "object" && options !== null ? options.cause : undefined;
    // Error() would throw on a symbol or an object without toString: an error must always construct.
    super(typeof message === "string" ? message : "", cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }

  /** A plain object safe to send to a client: code, message and, where present, issues. */
  toJSON(): { name: string; code: C; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** An option passed to a factory is missing or invalid. Thrown at creation, never per request. */
export class ConfigError extends TetrastackError<"CONFIG_INVALID"> {
  readonly code = "CONFIG_INVALID";
  readonly status = 500;
  /** Every problem found, not only the first. */
  readonly issues: readonly ErrorIssue[];

  constructor(message: string, options?: TetrastackErrorOptions & { issues?: readonly ErrorIssue[] }) {
    super(message, options);
    this.issues = Array.isArray(options?.issues) ? options.issues : [];
  }
}

/** Input from a user or caller failed validation. */
export class ValidationError extends TetrastackError<"VALIDATION_FAILED"> {
  readonly code = "VALIDATION_FAILED";
  readonly status = 400;
  /** Every problem found, with the path of the field. */
  readonly issues: readonly ErrorIssue[];

  constructor(message: string, options?: TetrastackErrorOptions & { issues?: readonly ErrorIssue[] }) {
    super(message, options);
    this.issues = Array.isArray(options?.issues) ? options.issues : [];
  }

  override toJSON(): { name: string; code: "VALIDATION_FAILED"; message: string; issues: readonly ErrorIssue[] } {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The caller is not signed in, or its credentials are wrong. */
export class UnauthorizedError extends TetrastackError<"UNAUTHORIZED"> {
  readonly code = "UNAUTHORIZED";
  readonly status = 401;
}

/** The caller is signed in but may not do this. */
export class ForbiddenError extends TetrastackError<"FORBIDDEN"> {
  readonly code = "FORBIDDEN";
  readonly status = 403;
}

/** The thing asked for does not exist (or the caller may not know that it does). */
export class NotFoundError extends TetrastackError<"NOT_FOUND"> {
  readonly code = "NOT_FOUND";
  readonly status = 404;
}

/** The write would break a uniqueness rule, such as an email already in use. */
export class ConflictError extends TetrastackError<"CONFLICT"> {
  readonly code = "CONFLICT";
  readonly status = 409;
  /** The table and columns of the broken constraint, when known. */
  readonly target: { table: string; columns: readonly string[] } | undefined;

  constructor(
    message: string,
    options?: TetrastackErrorOptions & { target?: { table: string; columns: readonly string[] } },
  ) {
    super(message, options);
    this.target = options?.target;
  }
}

/** Too many attempts; try again after `retryAfter` seconds. */
export class RateLimitError extends TetrastackError<"RATE_LIMITED"> {
  readonly code = "RATE_LIMITED";
  readonly status = 429;
  /** Whole seconds until the next attempt may succeed (the `Retry-After` header value). */
  readonly retryAfter: number;

  constructor(message: string, options: TetrastackErrorOptions & { retryAfter: number }) {
    super(message, options);
    this.retryAfter = wholeSeconds(options?.retryAfter);
  }

  override toJSON(): { name: string; code: "RATE_LIMITED"; message: string; retryAfter: number } {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/**
 * The database stayed locked by another writer (a long transaction in this process or another
 * one, a backup, a migration) for longer than `busyTimeoutMs`, or changed under a transaction
 * that had already read from it. Nothing of the failed write was applied: it is safe to try again
 * after `retryAfter` seconds (answer 503 with that `Retry-After`).
 *
 * @example
 * if (isTetrastackError(e, "DATABASE_BUSY")) return new Response(null, { status: 503, headers: { "Retry-After": String(e.retryAfter) } })
 */
export class DatabaseBusyError extends TetrastackError<"DATABASE_BUSY"> {
  readonly code = "DATABASE_BUSY";
  readonly status = 503;
  /** Whole seconds after which trying again is reasonable (the `Retry-After` header value). */
  readonly retryAfter: number;

  constructor(message: string, options?: TetrastackErrorOptions & { retryAfter?: number }) {
    super(message, options);
    this.retryAfter = wholeSeconds(options?.retryAfter);
  }

  override toJSON(): { name: string; code: "DATABASE_BUSY"; message: string; retryAfter: number } {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/** A `Retry-After` value: whole seconds, at least 1, whatever a caller passed. */
function wholeSeconds(seconds: unknown): number {
  return typeof seconds === "number" && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1;
}

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

/** The error class behind each code, so that checking a code also gives its fields (`retryAfter`, `issues`…). */
export interface ErrorClassByCode {
  CONFIG_INVALID: ConfigError;
  VALIDATION_FAILED: ValidationError;
  UNAUTHORIZED: UnauthorizedError;
  FORBIDDEN: ForbiddenError;
  NOT_FOUND: NotFoundError;
  CONFLICT: ConflictError;
  RATE_LIMITED: RateLimitError;
  DATABASE_BUSY: DatabaseBusyError;
  INVALID_CREDENTIALS: InvalidCredentialsError;
  ACCOUNT_LOCKED: AccountLockedError;
  SESSION_STALE: StaleSessionError;
  REAUTHENTICATION_REQUIRED: ReauthenticationRequiredError;
  TOKEN_INVALID: TokenError;
  TOKEN_EXPIRED: TokenError;
  EMAIL_NOT_VERIFIED: EmailNotVerifiedError;
  MAIL_NOT_CONFIGURED: MailNotConfiguredError;
  UPLOAD_POLICY_UNKNOWN: UploadError;
  UPLOAD_TYPE_NOT_ALLOWED: UploadError;
  UPLOAD_TOO_LARGE: UploadError;
  UPLOAD_MULTIPART_REQUIRED: UploadError;
  UPLOAD_NOT_FOUND: UploadError;
  UPLOAD_MISMATCH: UploadError;
  UPLOAD_FORBIDDEN: UploadError;
  UPLOAD_STORAGE_FAILED: UploadError;
}

/**
 * True when `error` was thrown by this package (any copy of it), optionally with the given code;
 * with a code it narrows to that code's class, so `retryAfter`, `issues` and the like are typed.
 *
 * @example
 * if (isTetrastackError(e, "RATE_LIMITED")) return { error: e.code, retryAfter: e.retryAfter }
 */
export function isTetrastackError(error: unknown): error is TetrastackError;
export function isTetrastackError<C extends ErrorCode>(error: unknown, code: C): error is ErrorClassByCode[C];
export function isTetrastackError(error: unknown, code?: ErrorCode): boolean {
  if (typeof error !== "object" || error === null || (error as { [brand]?: unknown })[brand] !== true) {
    return false;
  }
  return code === undefined || (error as { code?: unknown }).code === code;
}

/** Codes of {@link UploadError}, one per way an upload can be refused or fail. */
export type UploadErrorCode =
  | "UPLOAD_POLICY_UNKNOWN"
  | "UPLOAD_TYPE_NOT_ALLOWED"
  | "UPLOAD_TOO_LARGE"
  | "UPLOAD_MULTIPART_REQUIRED"
  | "UPLOAD_NOT_FOUND"
  | "UPLOAD_MISMATCH"
  | "UPLOAD_FORBIDDEN"
  | "UPLOAD_STORAGE_FAILED";

const uploadErrorStatus: Record<UploadErrorCode, number> = {
  UPLOAD_POLICY_UNKNOWN: 400,
  UPLOAD_TYPE_NOT_ALLOWED: 415,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_MULTIPART_REQUIRED: 413,
  UPLOAD_NOT_FOUND: 404,
  UPLOAD_MISMATCH: 422,
  UPLOAD_FORBIDDEN: 403,
  // The storage service failed or refused a request the server made: not the caller's fault.
  UPLOAD_STORAGE_FAILED: 502,
};

/**
 * An upload was refused (policy, type, size), is missing or does not match what was signed,
 * belongs to someone else, or the storage service failed. `code` says which.
 *
 * @example
 * if (isTetrastackError(e, "UPLOAD_TOO_LARGE")) return { error: "That file is too big." }
 */
export class UploadError extends TetrastackError<UploadErrorCode> {
  readonly code: UploadErrorCode;
  readonly status: number;

  constructor(message: string, options: TetrastackErrorOptions & { code: UploadErrorCode }) {
    super(message, options);
    this.code = options.code;
    this.status = uploadErrorStatus[options.code];
  }
}

import { type ErrorIssue, TetrastackError, type TetrastackErrorOptions, wholeSeconds } from "./base.js";

// The errors every subpath may throw.

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

/**
 * The thing asked for does not exist (or the caller may not know that it does).
 * @deprecated Nothing in the package throws it (missing things have their own codes, such as `UPLOAD_NOT_FOUND`); kept until the next major version.
 */
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

/** @internal The codes of this file and their classes. */
export interface CoreErrorClasses {
  CONFIG_INVALID: ConfigError;
  VALIDATION_FAILED: ValidationError;
  UNAUTHORIZED: UnauthorizedError;
  FORBIDDEN: ForbiddenError;
  NOT_FOUND: NotFoundError;
  CONFLICT: ConflictError;
  RATE_LIMITED: RateLimitError;
}

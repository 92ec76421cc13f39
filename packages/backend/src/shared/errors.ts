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
  | "RATE_LIMITED";

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
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
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
    this.issues = options?.issues ?? [];
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
    this.issues = options?.issues ?? [];
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
    this.retryAfter = Math.max(1, Math.ceil(options.retryAfter));
  }

  override toJSON(): { name: string; code: "RATE_LIMITED"; message: string; retryAfter: number } {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/**
 * True when `error` was thrown by this package (any copy of it), optionally with the given code.
 *
 * @example
 * if (isTetrastackError(e, "CONFLICT")) return { error: "That email is taken." }
 */
export function isTetrastackError<C extends ErrorCode = ErrorCode>(
  error: unknown,
  code?: C,
): error is TetrastackError<C> {
  if (typeof error !== "object" || error === null || (error as { [brand]?: unknown })[brand] !== true) {
    return false;
  }
  return code === undefined || (error as { code?: unknown }).code === code;
}

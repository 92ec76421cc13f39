import type { ErrorCode } from "../errors.js";

/** @internal The brand `isTetrastackError` checks: shared by every copy of the package. */
export const brand: unique symbol = Symbol.for("@tetrastack/backend/error") as never;

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

/** @internal A `Retry-After` value: whole seconds, at least 1, whatever a caller passed. */
export function wholeSeconds(seconds: unknown): number {
  return typeof seconds === "number" && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1;
}

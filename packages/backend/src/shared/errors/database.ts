import { TetrastackError, type TetrastackErrorOptions, wholeSeconds } from "./base.js";

// The errors of `/database` (any subpath that writes can meet them).

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

/** @internal The codes of this file and their classes. */
export interface DatabaseErrorClasses {
  DATABASE_BUSY: DatabaseBusyError;
}

/**
 * `@tetrastack/backend/utils`: small pure helpers shared by every subpath. Loads no database,
 * auth, cloud or validation library.
 * @module
 */

import {
  ConfigError as ConfigErrorClass,
  ConflictError as ConflictErrorClass,
  ForbiddenError as ForbiddenErrorClass,
  NotFoundError as NotFoundErrorClass,
  RateLimitError as RateLimitErrorClass,
  UnauthorizedError as UnauthorizedErrorClass,
} from "../shared/errors.js";

/** A Server Action's caught error as `{ error: { code, message } }`, the shape to return to a form. */
export {
  type ActionError,
  type ActionErrorCode,
  type ToActionErrorOptions,
  toActionError,
} from "../shared/action-error.js";
/** What /utils throws (`ValidationError`), and the checks that work on every error of the package. */
export {
  type ErrorClassByCode,
  type ErrorCode,
  type ErrorIssue,
  isTetrastackError,
  TetrastackError,
  type TetrastackErrorOptions,
  ValidationError,
} from "../shared/errors.js";
export { SLUGIFY_MAX_INPUT_LENGTH, type SlugifyOptions, slugify } from "./slugify.js";
export { type Result, to, toSync } from "./to.js";
export { isUUIDv7, uuidv7, uuidv7Date } from "./uuidv7.js";

// Error classes /utils re-exported but never throws. Check errors with `isTetrastackError(e, code)`
// (which works for every class from any subpath), or import a class from the subpath that throws it.

/** @deprecated /utils never throws it: import it from `/auth`, `/database` or `/uploads`. Removed in the next major version. */
export const ConfigError = ConfigErrorClass;
/** @deprecated /utils never throws it: import it from `/auth`, `/database` or `/uploads`. Removed in the next major version. */
export type ConfigError = ConfigErrorClass;
/** @deprecated /utils never throws it: import it from `/database` or `/auth`. Removed in the next major version. */
export const ConflictError = ConflictErrorClass;
/** @deprecated /utils never throws it: import it from `/database` or `/auth`. Removed in the next major version. */
export type ConflictError = ConflictErrorClass;
/** @deprecated /utils never throws it: import it from `/auth`. Removed in the next major version. */
export const ForbiddenError = ForbiddenErrorClass;
/** @deprecated /utils never throws it: import it from `/auth`. Removed in the next major version. */
export type ForbiddenError = ForbiddenErrorClass;
/** @deprecated Nothing in the package throws it (missing things have their own codes, such as `UPLOAD_NOT_FOUND`). Removed in the next major version. */
export const NotFoundError = NotFoundErrorClass;
/** @deprecated Nothing in the package throws it. Removed in the next major version. */
export type NotFoundError = NotFoundErrorClass;
/** @deprecated /utils never throws it: import it from `/auth` or `/uploads`. Removed in the next major version. */
export const RateLimitError = RateLimitErrorClass;
/** @deprecated /utils never throws it: import it from `/auth` or `/uploads`. Removed in the next major version. */
export type RateLimitError = RateLimitErrorClass;
/** @deprecated /utils never throws it: import it from `/auth`. Removed in the next major version. */
export const UnauthorizedError = UnauthorizedErrorClass;
/** @deprecated /utils never throws it: import it from `/auth`. Removed in the next major version. */
export type UnauthorizedError = UnauthorizedErrorClass;

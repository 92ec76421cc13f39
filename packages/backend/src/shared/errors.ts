/**
 * The error family every subpath throws. Internal module: each subpath re-exports what it needs.
 *
 * Errors carry a stable, literal `code` (safe to show to a client and to switch on), an HTTP
 * `status` for route handlers, and the original error as ES2022 `cause`. `isTetrastackError`
 * checks a `Symbol.for` brand rather than `instanceof`, so it works when two copies of the
 * package are installed (CJS next to ESM, or two versions in one app).
 */

import type { AuthErrorClasses } from "./errors/auth.js";
import { brand, type TetrastackError } from "./errors/base.js";
import type { CoreErrorClasses } from "./errors/core.js";
import type { DatabaseErrorClasses } from "./errors/database.js";
import type { OrganizationErrorClasses } from "./errors/organizations.js";
import type { UploadErrorClasses } from "./errors/uploads.js";

// One file per area under errors/, each declaring its codes and classes; this module composes
// them. A new area adds a file and one name to the list below.

/** The error class behind each code, so that checking a code also gives its fields (`retryAfter`, `issues`…). */
export interface ErrorClassByCode
  extends CoreErrorClasses,
    DatabaseErrorClasses,
    AuthErrorClasses,
    OrganizationErrorClasses,
    UploadErrorClasses {}

/** Every error code this package can throw. Stable across releases: switch on it. */
export type ErrorCode = keyof ErrorClassByCode;

export {
  AccessTokenError,
  type AccessTokenErrorCode,
  AccountLockedError,
  APIKeyError,
  type APIKeyErrorCode,
  EmailNotVerifiedError,
  InvalidCredentialsError,
  MailNotConfiguredError,
  ReauthenticationRequiredError,
  RefreshTokenError,
  type RefreshTokenErrorCode,
  StaleSessionError,
  TokenError,
  type TokenErrorCode,
  UntrustedHostError,
} from "./errors/auth.js";
export { type ErrorIssue, TetrastackError, type TetrastackErrorOptions } from "./errors/base.js";
export {
  ConfigError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnauthorizedError,
  ValidationError,
} from "./errors/core.js";
export { DatabaseBusyError } from "./errors/database.js";
export { LastOwnerError, NoActiveOrganizationError, NotAMemberError } from "./errors/organizations.js";
export { UploadError, type UploadErrorCode } from "./errors/uploads.js";

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

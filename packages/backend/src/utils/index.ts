/**
 * `@tetrastack/backend/utils`: small pure helpers shared by every subpath. Loads no database,
 * auth, cloud or validation library.
 * @module
 */

export {
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  type ErrorClassByCode,
  type ErrorCode,
  type ErrorIssue,
  ForbiddenError,
  isTetrastackError,
  NotFoundError,
  RateLimitError,
  TetrastackError,
  type TetrastackErrorOptions,
  UnauthorizedError,
  ValidationError,
} from "../shared/errors.js";
export { SLUGIFY_MAX_INPUT_LENGTH, type SlugifyOptions, slugify } from "./slugify.js";
export { type Result, to, toSync } from "./to.js";
export { isUUIDv7, uuidv7, uuidv7Date } from "./uuidv7.js";

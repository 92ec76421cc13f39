/**
 * `@tetrastack/backend/auth`: the NextAuth v5 configuration factory. Its API lands with the auth
 * issue; until then this entry only re-exports the errors it will throw.
 * @module
 */
export {
  ConfigError,
  isTetrastackError,
  RateLimitError,
  TetrastackError,
  UnauthorizedError,
} from "../shared/errors.js";

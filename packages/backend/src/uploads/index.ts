/**
 * `@tetrastack/backend/uploads`: presigned Cloudflare R2 uploads and downloads. Its API lands with
 * the uploads issue; until then this entry only re-exports the errors it will throw.
 * @module
 */
export { ConfigError, isTetrastackError, TetrastackError, ValidationError } from "../shared/errors.js";

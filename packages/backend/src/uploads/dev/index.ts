/**
 * `@tetrastack/backend/uploads/dev`: a local, signature-verifying S3 server for developing and
 * testing uploads offline, with the bucket and the CORS rule browser uploads need. Development
 * only: it refuses to start under `NODE_ENV=production`. Needs the optional peer dependency
 * `@20minutes/s3rver` (`npm install --save-dev @20minutes/s3rver@4`); the `tetrastack-dev-s3`
 * command runs it from a terminal.
 * @module
 */

/** Errors thrown here: a `ConfigError` for production, a missing install, a bad option or a busy port. */
export { ConfigError, type ErrorIssue, isTetrastackError, TetrastackError } from "../../shared/errors.js";
/** The server. */
export { DEV_S3_CREDENTIALS, type DevS3, type DevS3Env, type DevS3Options, startDevS3 } from "./dev-s3.js";

/**
 * `@tetrastack/backend/uploads`: presigned uploads to Cloudflare R2 (or any S3-compatible store)
 * bound to type, size and owner, verified after upload, tracked in the `uploads` table, with
 * presigned multipart uploads for large files and signed downloads that keep unicode filenames.
 * @module
 */

/** Lifecycle of an upload record: `pending`, `uploaded`, `deleted`. */
export type { UploadStatus } from "../database/tables.js";
/** Errors thrown by `/uploads`; switch on `code` or use `isTetrastackError(error, code)`. */
export {
  ConfigError,
  DatabaseBusyError,
  type ErrorCode,
  type ErrorIssue,
  isTetrastackError,
  TetrastackError,
  UploadError,
  type UploadErrorCode,
  ValidationError,
} from "../shared/errors.js";
/** The bucket CORS rule browser uploads need; see `r2CorsRule`. */
export { type CorsRule, type CorsRuleOptions, r2CorsRule } from "./cors.js";
/** The factory and the shapes it returns. */
export {
  type CreateUploadInput,
  createUploads,
  type DownloadURLOptions,
  type ListUploadsOptions,
  type MultipartRef,
  type PresignedDownload,
  type PresignedMultipartUpload,
  type PresignedPart,
  type PresignedUpload,
  type UploadPage,
  type UploadRecord,
  type UploadRef,
  type Uploads,
} from "./create-uploads.js";
/** How a download is presented: `attachment` (save) or `inline` (show). */
export type { Disposition } from "./keys.js";
/** Options, their schema and the default policies. */
export {
  DEFAULT_UPLOAD_POLICIES,
  type ResolvedUploadPolicy,
  type UploadPolicy,
  type UploadsDatabase,
  type UploadsOptions,
  type UploadsTable,
  uploadsOptionsSchema,
} from "./options.js";

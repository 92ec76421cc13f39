/**
 * `@tetrastack/backend/uploads`: presigned uploads to Cloudflare R2 (or any S3-compatible store)
 * bound to type, size and owner, verified after upload and copied to a key no URL can write,
 * tracked in the `uploads` table, rate limited per user and per IP, with presigned multipart
 * uploads for large files and signed downloads served as their verified type.
 * @module
 */

/** Lifecycle of an upload record: `pending`, `uploaded`, `deleted`. */
export type { UploadStatus } from "../database/tables.js";
/** A Server Action's caught error as `{ error: { code, message } }`, the shape to return to a form. */
export {
  type ActionError,
  type ActionErrorCode,
  type ToActionErrorOptions,
  toActionError,
} from "../shared/action-error.js";
/** Errors thrown by `/uploads`; switch on `code` or use `isTetrastackError(error, code)`. */
export {
  ConfigError,
  DatabaseBusyError,
  type ErrorCode,
  type ErrorIssue,
  isTetrastackError,
  RateLimitError,
  TetrastackError,
  UploadError,
  type UploadErrorCode,
  ValidationError,
} from "../shared/errors.js";
/** The bucket CORS rule browser uploads need; see `r2CorsRule`. */
export { type CorsRule, type CorsRuleOptions, r2CorsRule } from "./cors.js";
/** The factory. */
export { createUploads } from "./create-uploads.js";
/** How a download is presented: `attachment` (save) or `inline` (show). */
export type { Disposition } from "./keys.js";
/** Options, their schema and the default policies. */
export {
  DEFAULT_UPLOAD_POLICIES,
  type OrganizationAccess,
  type ResolvedUploadPolicy,
  type UploadAction,
  type UploadPolicy,
  type UploadRateLimitOptions,
  type UploadsDatabase,
  type UploadsOptions,
  type UploadsTable,
  uploadsOptionsSchema,
} from "./options.js";
/** The shapes the factory's methods take and return. */
export type {
  CreateUploadInput,
  DownloadPresentation,
  DownloadURLOptions,
  ListUploadsOptions,
  MultipartRef,
  OwnerCheck,
  OwnerCheckSkipped,
  OwnerScoped,
  PresignedDownload,
  PresignedMultipartUpload,
  PresignedPart,
  PresignedUpload,
  UploadPage,
  UploadRecord,
  UploadRef,
  Uploads,
} from "./types.js";

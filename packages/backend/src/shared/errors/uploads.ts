import { TetrastackError, type TetrastackErrorOptions } from "./base.js";

// The errors of `/uploads`.

/** Codes of {@link UploadError}, one per way an upload can be refused or fail. */
export type UploadErrorCode =
  | "UPLOAD_POLICY_UNKNOWN"
  | "UPLOAD_TYPE_NOT_ALLOWED"
  | "UPLOAD_TOO_LARGE"
  | "UPLOAD_MULTIPART_REQUIRED"
  | "UPLOAD_NOT_FOUND"
  | "UPLOAD_MISMATCH"
  | "UPLOAD_FORBIDDEN"
  | "UPLOAD_STORAGE_FAILED";

const uploadErrorStatus: Record<UploadErrorCode, number> = {
  UPLOAD_POLICY_UNKNOWN: 400,
  UPLOAD_TYPE_NOT_ALLOWED: 415,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_MULTIPART_REQUIRED: 413,
  UPLOAD_NOT_FOUND: 404,
  UPLOAD_MISMATCH: 422,
  UPLOAD_FORBIDDEN: 403,
  // The storage service failed or refused a request the server made: not the caller's fault.
  UPLOAD_STORAGE_FAILED: 502,
};

/**
 * An upload was refused (policy, type, size), is missing or does not match what was signed,
 * belongs to someone else, or the storage service failed. `code` says which.
 *
 * @example
 * if (isTetrastackError(e, "UPLOAD_TOO_LARGE")) return { error: "That file is too big." }
 */
export class UploadError extends TetrastackError<UploadErrorCode> {
  readonly code: UploadErrorCode;
  readonly status: number;

  constructor(message: string, options: TetrastackErrorOptions & { code: UploadErrorCode }) {
    super(message, options);
    this.code = options.code;
    this.status = uploadErrorStatus[options.code];
  }
}

/** @internal The codes of this file and their classes. */
export interface UploadErrorClasses {
  UPLOAD_POLICY_UNKNOWN: UploadError;
  UPLOAD_TYPE_NOT_ALLOWED: UploadError;
  UPLOAD_TOO_LARGE: UploadError;
  UPLOAD_MULTIPART_REQUIRED: UploadError;
  UPLOAD_NOT_FOUND: UploadError;
  UPLOAD_MISMATCH: UploadError;
  UPLOAD_FORBIDDEN: UploadError;
  UPLOAD_STORAGE_FAILED: UploadError;
}

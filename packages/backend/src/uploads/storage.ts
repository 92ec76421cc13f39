import { isTetrastackError, UploadError, type UploadErrorCode } from "../shared/errors.js";
import { describeStorageError, type StorageErrorKind, storageErrorKind } from "./r2-client.js";

/** @internal The storage failures a caller maps to codes of its own, each with its message. */
export type KnownStorageErrors = Partial<Record<StorageErrorKind, [UploadErrorCode, string]>>;

/**
 * @internal Runs a storage call, turning a failure into an UploadError: a known kind into its own
 * code, anything else into UPLOAD_STORAGE_FAILED naming only the S3 error name and HTTP status.
 */
export async function storage<T>(action: string, run: () => Promise<T>, known: KnownStorageErrors = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isTetrastackError(error)) throw error;
    const mapped = known[storageErrorKind(error)];
    if (mapped) throw new UploadError(mapped[1], { code: mapped[0], cause: error });
    const { name, status } = describeStorageError(error);
    throw new UploadError(`${action} failed: storage answered ${name}${status ? ` (HTTP ${status})` : ""}.`, {
      code: "UPLOAD_STORAGE_FAILED",
      cause: error,
    });
  }
}

/** @internal The storage failure behind an UploadError that {@link storage} threw; "other" for anything else. */
export function storageFailure(error: unknown): StorageErrorKind {
  return isTetrastackError(error) ? storageErrorKind(error.cause) : "other";
}

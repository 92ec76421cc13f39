import type { UploadStatus } from "../database/tables.js";
import type { Disposition } from "./keys.js";
import type { ResolvedUploadPolicy } from "./options.js";

/** What the browser must send to upload a file: exactly this method, URL and headers. */
export interface PresignedUpload {
  /**
   * The presigned URL; it carries the signature, expiry and owner metadata in its query. It
   * points at a staging key (`_staging/<key>`): `completeUpload` copies the verified object to
   * `key`, for which no URL is ever signed.
   */
  url: string;
  method: "PUT";
  /** Headers to send as they are. The body must be exactly the declared `size` in bytes. */
  headers: { "Content-Type": string };
  /** The upload's key; pass it to `completeUpload` once the PUT succeeded. */
  key: string;
  /** When the URL stops working. */
  expiresAt: Date;
}

/** One part of a multipart upload: PUT exactly `size` bytes to `url`, then keep the `ETag` answer header. */
export interface PresignedPart {
  partNumber: number;
  url: string;
  method: "PUT";
  /** Bytes this part must hold: `partSize` for every part but the last. */
  size: number;
}

/** A started multipart upload: the upload id, how to cut the file, and the first batch of part URLs. */
export interface PresignedMultipartUpload {
  key: string;
  uploadId: string;
  partSize: number;
  partCount: number;
  /** URLs of parts 1 to `min(partCount, signBatchSize)`; sign the rest with `signUploadParts`. */
  parts: PresignedPart[];
  /** The most part URLs one `signUploadParts` call signs (the `multipart.signBatchSize` option). */
  signBatchSize: number;
  /** When the part URLs stop working; sign them again with `signUploadParts`. */
  expiresAt: Date;
}

/** A presigned GET. */
export interface PresignedDownload {
  url: string;
  method: "GET";
  expiresAt: Date;
}

/** An upload as recorded in the database. */
export interface UploadRecord {
  id: string;
  key: string;
  /** Who uploaded it (a `users.id`). */
  ownerId: string;
  /** The organization that owns it, or null for a user's own upload. */
  organizationId: string | null;
  policy: string;
  /** The user's filename (NFC), as given when the URL was signed. */
  filename: string;
  contentType: string;
  size: number;
  status: UploadStatus;
  /** The stored object's ETag, once verified; `null` while pending. */
  etag: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** `<publicBaseURL>/<key>` when `publicBaseURL` is configured, else `null`. */
  publicURL: string | null;
}

/** What the caller says about the file to upload; checked against the policy before signing. */
export interface CreateUploadInput {
  /** Name of a configured policy, such as `"avatar"`. */
  policy: string;
  /** The user's filename, such as `File.name`; up to 255 characters, no control characters or slashes. */
  filename: string;
  /** The file's content type, such as `File.type`; the browser must then send exactly this. */
  contentType: string;
  /** The file's size in bytes, such as `File.size`; the body must then be exactly this long. */
  size: number;
  /** The signed-in user the upload belongs to (a `users.id`); counted by `rateLimit.perUser`. */
  ownerId: string;
  /**
   * The organization that owns the upload (its members then read and delete it as
   * `organizationAccess` allows; `ownerId` is who uploaded it). `organizationAccess` is asked
   * for `"create"` first.
   * @default null (the user's own upload)
   */
  organizationId?: string | null;
  /**
   * The client's address, counted by `rateLimit.perIP` (IPv6 per /64). A value that is not an IP
   * address counts in the shared `perUnknownIP` bucket. `null` or omitted: not counted per IP
   * (server-side callers).
   * @default null
   */
  ip?: string | null;
}

/** Identifies an upload of one owner. */
export interface UploadRef {
  key: string;
  ownerId: string;
}

/** Identifies a multipart upload in progress. */
export interface MultipartRef extends UploadRef {
  uploadId: string;
}

/**
 * The upload must belong to this user, else `UPLOAD_FORBIDDEN`; an organization's upload must be
 * allowed to them by `organizationAccess`.
 */
export interface OwnerScoped {
  /** The signed-in user (a `users.id`). */
  ownerId: string;
  skipOwnerCheck?: false;
}

/** No owner check, said out loud: for trusted server code only (admin tools, cron jobs). */
export interface OwnerCheckSkipped {
  ownerId?: undefined;
  skipOwnerCheck: true;
}

/**
 * Whose upload this must be: `{ ownerId }`, or `{ skipOwnerCheck: true }` for code that acts for
 * no user. Neither (or both) is a `ValidationError`, so the check is never skipped by omission.
 */
export type OwnerCheck = OwnerScoped | OwnerCheckSkipped;

/** How a download is presented. */
export interface DownloadPresentation {
  /**
   * `attachment` makes browsers save the file; `inline` shows it, but only for types that cannot
   * run script (raster images, PDF, plain text, audio, video). HTML, SVG, XML, JavaScript and
   * every other type are always attachments.
   * @default "attachment"
   */
  disposition?: Disposition;
  /**
   * Lifetime of this URL in seconds (1 to 604800).
   * @default the factory's expiresInSeconds
   */
  expiresInSeconds?: number;
}

/** Options of `createDownloadURL`: the owner check and the presentation. */
export type DownloadURLOptions = OwnerCheck & DownloadPresentation;

/** Options of `listUploads`. */
export interface ListUploadsOptions {
  /**
   * Which statuses to list.
   * @default "uploaded"
   */
  status?: UploadStatus | readonly UploadStatus[];
  /**
   * Page size, 1 to 100.
   * @default 20
   */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * List this organization's uploads (any member's) instead of the user's own, if
   * `organizationAccess` allows the user `"read"`.
   * @default undefined (the user's own uploads, without their organizations')
   */
  organizationId?: string;
}

/** One page of a user's uploads, newest first. */
export interface UploadPage {
  items: UploadRecord[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** The uploads API returned by {@link createUploads}. */
export interface Uploads {
  /** The configured policies, with defaults applied. */
  readonly policies: Readonly<Record<string, Readonly<ResolvedUploadPolicy>>>;
  /** Files larger than this many bytes must use `createMultipartUpload`. */
  readonly multipartThreshold: number;
  /**
   * Checks the file against its policy and the rate limit, records a pending upload and signs a
   * PUT for it (to the upload's staging key).
   */
  createUploadURL(input: CreateUploadInput): Promise<PresignedUpload>;
  /**
   * Verifies the staged object (exists; size, type and owner as signed), copies it to the final
   * key, checks the copy's ETag and marks the record uploaded. Called again on an uploaded record,
   * it returns the record and touches nothing.
   */
  completeUpload(ref: UploadRef): Promise<UploadRecord>;
  /**
   * Signs a GET for an uploaded file, served as its verified content type under its original name
   * with the extension of that type.
   */
  createDownloadURL(key: string, options: DownloadURLOptions): Promise<PresignedDownload>;
  /** Deletes the object and marks the record deleted. Deleting twice is not an error. */
  deleteUpload(key: string, options: OwnerCheck): Promise<UploadRecord>;
  /** A user's uploads (or, with `organizationId`, an organization's), newest first, a page at a time. */
  listUploads(ownerId: string, options?: ListUploadsOptions): Promise<UploadPage>;
  /** `<publicBaseURL>/<key>`, or `null` without a `publicBaseURL`. */
  publicURL(key: string): string | null;
  /**
   * Starts a presigned multipart upload (for files above `multipartThreshold`) and signs the first
   * batch of part URLs (`multipart.signBatchSize`).
   */
  createMultipartUpload(input: CreateUploadInput): Promise<PresignedMultipartUpload>;
  /** Signs the given part URLs, at most `multipart.signBatchSize` per call. */
  signUploadParts(ref: MultipartRef & { partNumbers: readonly number[] }): Promise<{
    parts: PresignedPart[];
    expiresAt: Date;
  }>;
  /** Assembles the parts from their ETags, then verifies the object as `completeUpload` does. */
  completeMultipartUpload(
    ref: MultipartRef & { parts: readonly { partNumber: number; etag: string }[] },
  ): Promise<UploadRecord>;
  /** Abandons a multipart upload: storage drops its parts and the record is marked deleted. */
  abortMultipartUpload(ref: MultipartRef): Promise<UploadRecord>;
}

import { and, desc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import * as z from "zod";
import { rateLimits, type UploadStatus } from "../database/tables.js";
import { isTetrastackError, UploadError, type UploadErrorCode, ValidationError } from "../shared/errors.js";
import { createRateLimiter, databaseStore, memoryStore, type RateLimitRuleSettings } from "../shared/rate-limit.js";
import { parseInput, parseOptions } from "../shared/validate.js";
import { downloadFilename, effectiveDisposition } from "./content-types.js";
import { buildKey, contentDisposition, type Disposition, filenameSchema, stagingKey } from "./keys.js";
import { type PartPlan, partLength, planParts } from "./multipart.js";
import {
  R2_LIMITS,
  type ResolvedUploadPolicy,
  type UploadsOptions,
  type UploadsTable,
  uploadsOptionsSchema,
  withEnvironment,
} from "./options.js";
import {
  createR2Client,
  describeStorageError,
  type Signing,
  type StorageErrorKind,
  type StoredObject,
  storageErrorKind,
} from "./r2-client.js";

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
  ownerId: string;
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

/** The upload must belong to this user, else `UPLOAD_FORBIDDEN`. */
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
  /** A user's uploads, newest first, a page at a time. */
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

const OWNER_METADATA = "owner";
const RATE_LIMIT_BUCKET = "upload";
const exactContentType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

const ownerIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");
const keySchema = z.string().min(1).max(1024);
const uploadIdSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII");

const createUploadSchema = z.object({
  policy: z.string().min(1).max(64),
  filename: filenameSchema,
  contentType: z
    .string()
    .trim()
    .toLowerCase()
    .regex(exactContentType, 'must be a content type such as "image/png", without parameters'),
  size: z.int().min(1, "must be at least 1 byte"),
  ownerId: ownerIdSchema,
  ip: z.string().max(256).nullable().optional(),
});
const refSchema = z.object({ key: keySchema, ownerId: ownerIdSchema });
const multipartRefSchema = refSchema.extend({ uploadId: uploadIdSchema });
const partNumberSchema = z.int().min(1).max(R2_LIMITS.maxParts);
const signPartsSchema = multipartRefSchema.extend({
  partNumbers: z
    .array(partNumberSchema, { error: "must list the part numbers to sign" })
    .min(1)
    .max(R2_LIMITS.maxParts),
});
const completeMultipartSchema = multipartRefSchema.extend({
  parts: z
    .array(z.object({ partNumber: partNumberSchema, etag: z.string().trim().min(1).max(256) }))
    .min(1)
    .max(R2_LIMITS.maxParts),
});
const statusSchema = z.enum(["pending", "uploaded", "deleted"]);

const ownerCheckMessage = "pass { ownerId } or, for trusted server code, { skipOwnerCheck: true }";
const ownerCheckShape = { ownerId: ownerIdSchema.optional(), skipOwnerCheck: z.boolean().optional() };
/** Exactly one of `ownerId` and `skipOwnerCheck: true`, so the check is never skipped by omission. */
const ownerCheckRule = (value: { ownerId?: string | undefined; skipOwnerCheck?: boolean | undefined }): boolean =>
  (value.ownerId !== undefined) !== (value.skipOwnerCheck === true);
const ownerCheckIssue = { error: ownerCheckMessage, path: ["ownerId"] };
const ownerCheckSchema = z
  .object(ownerCheckShape, { error: `must be an object: ${ownerCheckMessage}` })
  .refine(ownerCheckRule, ownerCheckIssue);
const downloadOptionsSchema = z
  .object(
    {
      ...ownerCheckShape,
      disposition: z.enum(["attachment", "inline"]).default("attachment"),
      expiresInSeconds: z.int().min(1).max(R2_LIMITS.maxExpiresInSeconds).optional(),
    },
    { error: `must be an object: ${ownerCheckMessage}` },
  )
  .refine(ownerCheckRule, ownerCheckIssue);
const downloadSchema = z.object({ key: keySchema, options: downloadOptionsSchema });
const deleteSchema = z.object({ key: keySchema, options: ownerCheckSchema });
const listSchema = z.object({
  ownerId: ownerIdSchema,
  options: z.object(
    {
      status: z.union([statusSchema, z.array(statusSchema).min(1)]).default("uploaded"),
      limit: z.int().min(1).max(100).default(20),
      cursor: z.string().max(200).optional(),
    },
    { error: "must be an object" },
  ),
});

type Row = UploadsTable["$inferSelect"];

/**
 * Presigned uploads to Cloudflare R2 (or any S3-compatible store), tracked in the `uploads`
 * table: sign a PUT bound to type, size and owner, verify the object after upload, then sign
 * downloads. Options are validated once; a problem throws one `ConfigError` listing all of them.
 *
 * @example
 * const uploads = createUploads({ db }) // R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_BUCKET
 * const { url, headers, key } = await uploads.createUploadURL({ policy: "avatar", filename, contentType, size, ownerId, ip })
 * // browser: await fetch(url, { method: "PUT", headers, body: file })
 * const record = await uploads.completeUpload({ key, ownerId })
 */
export function createUploads(options: UploadsOptions): Uploads {
  const resolved = parseOptions(uploadsOptionsSchema, withEnvironment(options, process.env), "createUploads");
  const { db, table } = resolved;
  const endpoint = resolved.endpoint ?? `https://${resolved.accountId}.r2.cloudflarestorage.com`;
  const r2 = createR2Client({
    endpoint,
    accessKeyId: resolved.accessKeyId,
    secretAccessKey: resolved.secretAccessKey,
    bucket: resolved.bucket,
    forcePathStyle: resolved.forcePathStyle,
  });
  const policies: Record<string, ResolvedUploadPolicy> = Object.create(null);
  for (const [name, policy] of Object.entries(resolved.policies)) {
    policies[name] = Object.freeze({
      name,
      contentTypes: Object.freeze([...policy.contentTypes]),
      maxBytes: policy.maxBytes,
      prefix: policy.prefix ?? name.toLowerCase(),
    });
  }
  const { threshold, partSize: minimumPartSize, signBatchSize } = resolved.multipart;
  const limits = resolved.rateLimit;
  const limiter = createRateLimiter(limits.storage === "memory" ? memoryStore() : databaseStore(db, rateLimits), {
    enabled: limits.enabled,
  });
  const rule: RateLimitRuleSettings = {
    window: limits.window,
    perIP: limits.perIP,
    perAccount: limits.perUser,
    perUnknownIP: limits.perUnknownIP,
  };

  function publicURL(key: string): string | null {
    return resolved.publicBaseURL ? `${resolved.publicBaseURL}/${key}` : null;
  }

  function toRecord(row: Row): UploadRecord {
    return {
      id: row.id,
      key: row.key,
      ownerId: row.ownerId,
      policy: row.policy,
      filename: row.filename,
      contentType: row.contentType,
      size: row.size,
      status: row.status,
      // A pending row may hold the ETag a completion in progress claimed; it is not verified yet.
      etag: row.status === "pending" ? null : row.etag,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      publicURL: publicURL(row.key),
    };
  }

  function checkPolicy(input: z.output<typeof createUploadSchema>): ResolvedUploadPolicy {
    const policy = Object.hasOwn(policies, input.policy) ? policies[input.policy] : undefined;
    // Messages name the configured policy and its limits, never what the caller sent.
    if (!policy) {
      throw new UploadError(`No such upload policy. Known: ${Object.keys(policies).join(", ")}.`, {
        code: "UPLOAD_POLICY_UNKNOWN",
      });
    }
    if (!policy.contentTypes.some((allowed) => contentTypeMatches(allowed, input.contentType))) {
      throw new UploadError(
        `This file type is not allowed for "${policy.name}" (allowed: ${policy.contentTypes.join(", ")}).`,
        { code: "UPLOAD_TYPE_NOT_ALLOWED" },
      );
    }
    if (input.size > policy.maxBytes) {
      throw new UploadError(`The file is too large: "${policy.name}" accepts at most ${policy.maxBytes} bytes.`, {
        code: "UPLOAD_TOO_LARGE",
      });
    }
    return policy;
  }

  /** Counts the attempt per user and per IP; throws RateLimitError (nothing signed or written yet). */
  function enforceRateLimit(input: z.output<typeof createUploadSchema>): Promise<void> {
    return limiter.enforce(RATE_LIMIT_BUCKET, rule, { ip: input.ip ?? null, account: input.ownerId });
  }

  function signing(expiresInSeconds = resolved.expiresInSeconds): { signing: Signing; expiresAt: Date } {
    // SigV4 dates have whole seconds, so the URL expires counting from the start of this second.
    const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
    return {
      signing: { signingDate, expiresInSeconds },
      expiresAt: new Date(signingDate.getTime() + expiresInSeconds * 1000),
    };
  }

  async function insertPending(
    input: z.output<typeof createUploadSchema>,
    policy: ResolvedUploadPolicy,
    key: string,
  ): Promise<Row> {
    try {
      const [row] = await db
        .insert(table)
        .values({
          ownerId: input.ownerId,
          key,
          policy: policy.name,
          filename: input.filename,
          contentType: input.contentType,
          size: input.size,
          status: "pending",
        })
        .returning();
      if (!row) throw new Error("INSERT … RETURNING returned no row");
      return row;
    } catch (error) {
      if (causeChainIncludes(error, "FOREIGN KEY constraint failed")) {
        throw new ValidationError("ownerId: no such user", {
          cause: error,
          issues: [{ path: "ownerId", message: "no such user" }],
        });
      }
      throw error;
    }
  }

  async function findOwned(key: string, ownerId: string | undefined): Promise<Row> {
    const [row] = await db.select().from(table).where(eq(table.key, key)).limit(1);
    if (!row) throw new UploadError("No upload with this key.", { code: "UPLOAD_NOT_FOUND" });
    if (ownerId !== undefined && row.ownerId !== ownerId) {
      throw new UploadError("This upload belongs to another user.", { code: "UPLOAD_FORBIDDEN" });
    }
    return row;
  }

  async function findPending(ref: UploadRef): Promise<Row> {
    const row = await findOwned(ref.key, ref.ownerId);
    if (row.status !== "pending") {
      throw new UploadError(`This upload is already ${row.status}.`, { code: "UPLOAD_NOT_FOUND" });
    }
    return row;
  }

  async function reread(row: Row): Promise<Row | undefined> {
    const [current] = await db.select().from(table).where(eq(table.id, row.id)).limit(1);
    return current;
  }

  async function setStatus(row: Row, status: UploadStatus, etag?: string | null): Promise<Row> {
    const [updated] = await db
      .update(table)
      .set(etag === undefined ? { status } : { status, etag })
      .where(eq(table.id, row.id))
      .returning();
    return updated ?? { ...row, status };
  }

  /** What differs between a stored object and what was signed for `row`. */
  function mismatches(row: Row, object: StoredObject): string[] {
    const problems: string[] = [];
    if (object.size !== row.size) problems.push(`size is ${object.size ?? "unknown"} bytes, ${row.size} were signed`);
    const storedType = object.contentType?.trim().toLowerCase();
    if (storedType !== row.contentType) problems.push(`content type is not ${row.contentType}`);
    if (object.metadata[OWNER_METADATA] !== row.ownerId) problems.push("owner metadata does not match");
    if (!object.etag) problems.push("storage gave no ETag");
    return problems;
  }

  /**
   * Deletes an object that failed verification and marks a still-pending record deleted; throws
   * UPLOAD_MISMATCH. A record another completion has meanwhile finished is left alone and returned.
   */
  async function reject(row: Row, objectKey: string, reason: string): Promise<UploadRecord> {
    await storage("Deleting the mismatched object", () => r2.delete(objectKey));
    const [marked] = await db
      .update(table)
      .set({ status: "deleted" })
      .where(and(eq(table.id, row.id), eq(table.status, "pending")))
      .returning({ id: table.id });
    if (!marked) return settled(row);
    throw new UploadError(`The uploaded object was rejected and deleted: ${reason}.`, { code: "UPLOAD_MISMATCH" });
  }

  /**
   * After a completion lost a race (claim, copy or final update): the record as another call
   * left it. Uploaded: that call's verified bytes are what is stored, so return it.
   */
  async function settled(row: Row): Promise<UploadRecord> {
    const current = await reread(row);
    if (current?.status === "uploaded") return toRecord(current);
    if (!current || current.status === "deleted") {
      throw new UploadError("This upload was deleted.", { code: "UPLOAD_NOT_FOUND" });
    }
    throw new UploadError("The upload changed while another completion of it was running; upload it again.", {
      code: "UPLOAD_MISMATCH",
    });
  }

  /**
   * Single-PUT completion. The browser's URL writes only the staging key, and a URL stays valid
   * until it expires, so it can be replayed after completion. What downloads serve is therefore
   * a server-side copy at the final key, for which no URL is ever signed:
   *
   * 1. HEAD the staging object: size, type and owner as signed (else it is deleted).
   * 2. Claim the record for that ETag (one conditional UPDATE), so two completions with different
   *    bytes never both copy.
   * 3. Copy staging → final with `x-amz-copy-source-if-match: <ETag>` (a replay in between makes
   *    S3/R2 refuse), and compare the copy's ETag with the verified one anyway (for stores that
   *    ignore the condition, s3rver among them).
   * 4. Mark the record uploaded (conditional on the claim), then delete the staging object.
   */
  async function completeStaged(row: Row): Promise<UploadRecord> {
    const staging = stagingKey(row.key);
    const object = await storage("Checking the upload", () => r2.head(staging));
    if (!object) {
      throw new UploadError("Nothing has been uploaded to this key yet.", { code: "UPLOAD_NOT_FOUND" });
    }
    const problems = mismatches(row, object);
    if (problems.length > 0) return reject(row, staging, problems.join("; "));
    const etag = object.etag as string;

    // A retry after a crash with the same bytes may take over its own earlier claim.
    const [claimed] = await db
      .update(table)
      .set({ etag })
      .where(and(eq(table.id, row.id), eq(table.status, "pending"), or(isNull(table.etag), eq(table.etag, etag))))
      .returning({ id: table.id });
    if (!claimed) return settled(row);

    let copied: string | undefined;
    try {
      copied = await storage("Copying the verified upload", () =>
        r2.copy({ from: staging, to: row.key, ifMatch: etag }),
      );
    } catch (error) {
      const kind = isTetrastackError(error) ? storageErrorKind(error.cause) : "other";
      // The staging object changed between the HEAD and the copy: a replayed PUT.
      if (kind === "precondition-failed") return reject(row, staging, "it changed while it was being verified");
      // Gone: another completion finished (and removed it), or the upload was deleted.
      if (kind === "not-found") return settled(row);
      throw error;
    }
    if (copied !== etag) {
      // The store ignored the condition and copied bytes nobody verified: keep neither copy.
      await storage("Deleting the unverified copy", () =>
        Promise.all([r2.delete(row.key), r2.delete(staging)]).then(() => undefined),
      );
      await setStatus(row, "deleted");
      throw new UploadError("The upload changed while it was being completed; it has been deleted.", {
        code: "UPLOAD_MISMATCH",
      });
    }
    const [done] = await db
      .update(table)
      .set({ status: "uploaded" })
      .where(and(eq(table.id, row.id), eq(table.status, "pending"), eq(table.etag, etag)))
      .returning();
    // The copy is what counts now; a staging object left by a failed delete is the lifecycle rule's.
    await r2.delete(staging).catch(() => undefined);
    if (done) return toRecord(done);
    const current = await reread(row);
    if (current?.status === "uploaded" && current.etag === etag) return toRecord(current);
    // Deleted meanwhile: the copy must not outlive its record.
    await storage("Deleting the copy of a deleted upload", () => r2.delete(row.key));
    return settled(row);
  }

  /** Multipart completion: HEAD the assembled object (no URL can write it any more) and hold it to what was signed. */
  async function verifyAssembled(row: Row): Promise<UploadRecord> {
    const object = await storage("Checking the upload", () => r2.head(row.key));
    if (!object) {
      throw new UploadError("Nothing has been uploaded to this key yet.", { code: "UPLOAD_NOT_FOUND" });
    }
    const problems = mismatches(row, object);
    if (problems.length > 0) return reject(row, row.key, problems.join("; "));
    const [done] = await db
      .update(table)
      .set({ status: "uploaded", etag: object.etag ?? null })
      .where(and(eq(table.id, row.id), eq(table.status, "pending")))
      .returning();
    return done ? toRecord(done) : settled(row);
  }

  async function signParts(
    row: Row,
    uploadId: string,
    plan: PartPlan,
    partNumbers: readonly number[],
  ): Promise<{ parts: PresignedPart[]; expiresAt: Date }> {
    const { signing: when, expiresAt } = signing();
    const parts = await storage("Signing the part URLs", () =>
      Promise.all(
        partNumbers.map(async (partNumber): Promise<PresignedPart> => {
          const size = partLength(row.size, plan, partNumber);
          const url = await r2.presignUploadPart({ key: row.key, uploadId, partNumber, contentLength: size, ...when });
          return { partNumber, url, method: "PUT", size };
        }),
      ),
    );
    return { parts, expiresAt };
  }

  return {
    policies,
    multipartThreshold: threshold,

    publicURL(key) {
      return publicURL(parseInput(keySchema, key, "publicURL"));
    },

    async createUploadURL(raw) {
      const input = parseInput(createUploadSchema, raw, "createUploadURL");
      const policy = checkPolicy(input);
      if (input.size > threshold) {
        throw new UploadError(`Files over ${threshold} bytes must use createMultipartUpload.`, {
          code: "UPLOAD_MULTIPART_REQUIRED",
        });
      }
      await enforceRateLimit(input);
      const key = buildKey(policy.prefix, input.filename);
      const { signing: when, expiresAt } = signing();
      const url = await storage("Signing the upload URL", () =>
        r2.presignPut({
          key: stagingKey(key),
          contentType: input.contentType,
          contentLength: input.size,
          metadata: { [OWNER_METADATA]: input.ownerId },
          ...when,
        }),
      );
      await insertPending(input, policy, key);
      return { url, method: "PUT", headers: { "Content-Type": input.contentType }, key, expiresAt };
    },

    async completeUpload(raw) {
      const ref = parseInput(refSchema, raw, "completeUpload");
      const row = await findOwned(ref.key, ref.ownerId);
      if (row.status === "deleted") throw new UploadError("This upload was deleted.", { code: "UPLOAD_NOT_FOUND" });
      // Already verified and copied: never read the staging key again, whatever a replay put there.
      if (row.status === "uploaded") return toRecord(row);
      return completeStaged(row);
    },

    async createDownloadURL(key, options) {
      const { key: parsedKey, options: input } = parseInput(downloadSchema, { key, options }, "createDownloadURL");
      const row = await findOwned(parsedKey, input.ownerId);
      if (row.status !== "uploaded") {
        throw new UploadError(`This upload is ${row.status}, not downloadable.`, { code: "UPLOAD_NOT_FOUND" });
      }
      const disposition = effectiveDisposition(row.contentType, input.disposition);
      const { signing: when, expiresAt } = signing(input.expiresInSeconds);
      const url = await storage("Signing the download URL", () =>
        r2.presignGet({
          key: row.key,
          contentDisposition: contentDisposition(downloadFilename(row.filename, row.contentType), disposition),
          contentType: row.contentType,
          ...when,
        }),
      );
      return { url, method: "GET", expiresAt };
    },

    async deleteUpload(key, options) {
      const { key: parsedKey, options: input } = parseInput(deleteSchema, { key, options }, "deleteUpload");
      const row = await findOwned(parsedKey, input.ownerId);
      if (row.status === "deleted") return toRecord(row);
      // Both keys: a pending upload may sit in staging, a completed one at its key.
      await storage("Deleting the object", () =>
        Promise.all([r2.delete(row.key), r2.delete(stagingKey(row.key))]).then(() => undefined),
      );
      return toRecord(await setStatus(row, "deleted"));
    },

    async listUploads(ownerId, options = {}) {
      const { ownerId: owner, options: input } = parseInput(listSchema, { ownerId, options }, "listUploads");
      const statuses = typeof input.status === "string" ? [input.status] : input.status;
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const rows = await db
        .select()
        .from(table)
        .where(
          and(
            eq(table.ownerId, owner),
            inArray(table.status, statuses),
            after
              ? or(
                  lt(table.createdAt, after.createdAt),
                  and(eq(table.createdAt, after.createdAt), lt(table.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(table.createdAt), desc(table.id))
        .limit(input.limit + 1);
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      return {
        items: page.map(toRecord),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
      };
    },

    async createMultipartUpload(raw) {
      const input = parseInput(createUploadSchema, raw, "createMultipartUpload");
      const policy = checkPolicy(input);
      await enforceRateLimit(input);
      const plan = planParts(input.size, minimumPartSize);
      const key = buildKey(policy.prefix, input.filename);
      const uploadId = await storage("Starting the multipart upload", () =>
        r2.createMultipart({ key, contentType: input.contentType, metadata: { [OWNER_METADATA]: input.ownerId } }),
      );
      let row: Row;
      try {
        row = await insertPending(input, policy, key);
      } catch (error) {
        // Leave no parts behind for a record that was never written.
        await r2.abortMultipart({ key, uploadId }).catch(() => undefined);
        throw error;
      }
      const first = Array.from({ length: Math.min(plan.partCount, signBatchSize) }, (_, index) => index + 1);
      const { parts, expiresAt } = await signParts(row, uploadId, plan, first);
      return {
        key,
        uploadId,
        partSize: plan.partSize,
        partCount: plan.partCount,
        parts,
        signBatchSize,
        expiresAt,
      };
    },

    async signUploadParts(raw) {
      const ref = parseInput(signPartsSchema, raw, "signUploadParts");
      if (ref.partNumbers.length > signBatchSize) {
        throw new ValidationError(`signUploadParts: partNumbers: at most ${signBatchSize} parts per call`, {
          issues: [{ path: "partNumbers", message: `must list at most ${signBatchSize} parts` }],
        });
      }
      const row = await findPending(ref);
      const plan = planParts(row.size, minimumPartSize);
      if (ref.partNumbers.some((partNumber) => partNumber > plan.partCount)) {
        throw new ValidationError(`signUploadParts: partNumbers: this upload has ${plan.partCount} parts`, {
          issues: [{ path: "partNumbers", message: `must be between 1 and ${plan.partCount}` }],
        });
      }
      return signParts(row, ref.uploadId, plan, [...new Set(ref.partNumbers)]);
    },

    async completeMultipartUpload(raw) {
      const ref = parseInput(completeMultipartSchema, raw, "completeMultipartUpload");
      const row = await findPending(ref);
      const plan = planParts(row.size, minimumPartSize);
      const parts = [...ref.parts].sort((a, b) => a.partNumber - b.partNumber);
      if (parts.length !== plan.partCount || parts.some((part, index) => part.partNumber !== index + 1)) {
        throw new ValidationError(`completeMultipartUpload: parts: expected parts 1 to ${plan.partCount}, each once`, {
          issues: [{ path: "parts", message: `must list parts 1 to ${plan.partCount}, each once` }],
        });
      }
      await storage(
        "Completing the multipart upload",
        () => r2.completeMultipart({ key: row.key, uploadId: ref.uploadId, parts }),
        {
          "no-such-upload": ["UPLOAD_NOT_FOUND", "No multipart upload in progress with this id for this key."],
          "invalid-part": ["UPLOAD_MISMATCH", "A part is missing, too small or does not match its ETag."],
        },
      );
      // Completing ends the upload id, so the part URLs can no longer write this key.
      return verifyAssembled(row);
    },

    async abortMultipartUpload(raw) {
      const ref = parseInput(multipartRefSchema, raw, "abortMultipartUpload");
      const row = await findOwned(ref.key, ref.ownerId);
      if (row.status === "deleted") return toRecord(row);
      if (row.status !== "pending") {
        throw new UploadError("This upload is already complete; delete it instead.", { code: "UPLOAD_NOT_FOUND" });
      }
      try {
        await storage("Aborting the multipart upload", () =>
          r2.abortMultipart({ key: row.key, uploadId: ref.uploadId }),
        );
      } catch (error) {
        // Already aborted or completed-and-gone: the outcome the caller wants.
        if (!(isTetrastackError(error) && storageErrorKind(error.cause) === "no-such-upload")) throw error;
      }
      return toRecord(await setStatus(row, "deleted"));
    },
  };
}

function contentTypeMatches(allowed: string, contentType: string): boolean {
  return allowed.endsWith("/*") ? contentType.startsWith(allowed.slice(0, -1)) : allowed === contentType;
}

/**
 * Runs a storage call, turning a failure into an UploadError: a known kind into its own code,
 * anything else into UPLOAD_STORAGE_FAILED naming only the S3 error name and HTTP status.
 */
async function storage<T>(
  action: string,
  run: () => Promise<T>,
  known: Partial<Record<StorageErrorKind, [UploadErrorCode, string]>> = {},
): Promise<T> {
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

function causeChainIncludes(error: unknown, text: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.message.includes(text)) return true;
    current = current.cause;
  }
  return false;
}

function encodeCursor(row: Row): string {
  return Buffer.from(JSON.stringify([row.createdAt.getTime(), row.id])).toString("base64url");
}

const cursorSchema = z.tuple([z.int().nonnegative(), z.string().min(1).max(64)]);

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new ValidationError("listUploads: cursor: not a cursor from listUploads", {
      issues: [{ path: "cursor", message: "not a cursor from listUploads" }],
    });
  }
  return { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
}

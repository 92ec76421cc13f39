import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import * as z from "zod";
import type { UploadStatus } from "../database/tables.js";
import { isTetrastackError, UploadError, type UploadErrorCode, ValidationError } from "../shared/errors.js";
import { parseInput, parseOptions } from "../shared/validate.js";
import { buildKey, contentDisposition, type Disposition, filenameSchema } from "./keys.js";
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
  storageErrorKind,
} from "./r2-client.js";

/** What the browser must send to upload a file: exactly this method, URL and headers. */
export interface PresignedUpload {
  /** The presigned URL; it carries the signature, expiry and owner metadata in its query. */
  url: string;
  method: "PUT";
  /** Headers to send as they are. The body must be exactly the declared `size` in bytes. */
  headers: { "Content-Type": string };
  /** The object key; pass it to `completeUpload` once the PUT succeeded. */
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

/** A started multipart upload: the upload id, how to cut the file, and one URL per part. */
export interface PresignedMultipartUpload {
  key: string;
  uploadId: string;
  partSize: number;
  partCount: number;
  parts: PresignedPart[];
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
  /** The stored object's ETag, once verified. */
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
  /** The signed-in user the upload belongs to (a `users.id`). */
  ownerId: string;
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

/** Options of `createDownloadURL`. */
export interface DownloadURLOptions {
  /** When given, the upload must belong to this user, else `UPLOAD_FORBIDDEN`. */
  ownerId?: string;
  /**
   * `attachment` makes browsers save the file under its original name; `inline` shows it.
   * @default "attachment"
   */
  disposition?: Disposition;
  /**
   * Lifetime of this URL in seconds (1 to 604800).
   * @default the factory's expiresInSeconds
   */
  expiresInSeconds?: number;
}

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
  /** Checks the file against its policy, records a pending upload and signs a PUT for it. */
  createUploadURL(input: CreateUploadInput): Promise<PresignedUpload>;
  /** Verifies the stored object (exists; size, type and owner as signed) and marks it uploaded. */
  completeUpload(ref: UploadRef): Promise<UploadRecord>;
  /** Signs a GET for an uploaded file, with a `Content-Disposition` carrying its original name. */
  createDownloadURL(key: string, options?: DownloadURLOptions): Promise<PresignedDownload>;
  /** Deletes the object and marks the record deleted. Deleting twice is not an error. */
  deleteUpload(key: string, options?: { ownerId?: string }): Promise<UploadRecord>;
  /** A user's uploads, newest first, a page at a time. */
  listUploads(ownerId: string, options?: ListUploadsOptions): Promise<UploadPage>;
  /** `<publicBaseURL>/<key>`, or `null` without a `publicBaseURL`. */
  publicURL(key: string): string | null;
  /** Starts a presigned multipart upload (for files above `multipartThreshold`) and signs every part. */
  createMultipartUpload(input: CreateUploadInput): Promise<PresignedMultipartUpload>;
  /** Signs part URLs again (all, or the given part numbers), for uploads that outlive the first URLs. */
  signUploadParts(ref: MultipartRef & { partNumbers?: readonly number[] }): Promise<{
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
});
const refSchema = z.object({ key: keySchema, ownerId: ownerIdSchema });
const multipartRefSchema = refSchema.extend({ uploadId: uploadIdSchema });
const partNumberSchema = z.int().min(1).max(R2_LIMITS.maxParts);
const signPartsSchema = multipartRefSchema.extend({ partNumbers: z.array(partNumberSchema).min(1).optional() });
const completeMultipartSchema = multipartRefSchema.extend({
  parts: z
    .array(z.object({ partNumber: partNumberSchema, etag: z.string().trim().min(1).max(256) }))
    .min(1)
    .max(R2_LIMITS.maxParts),
});
const statusSchema = z.enum(["pending", "uploaded", "deleted"]);
const downloadSchema = z.object({
  key: keySchema,
  ownerId: ownerIdSchema.optional(),
  disposition: z.enum(["attachment", "inline"]).default("attachment"),
  expiresInSeconds: z.int().min(1).max(R2_LIMITS.maxExpiresInSeconds).optional(),
});
const deleteSchema = z.object({ key: keySchema, ownerId: ownerIdSchema.optional() });
const listSchema = z.object({
  ownerId: ownerIdSchema,
  status: z.union([statusSchema, z.array(statusSchema).min(1)]).default("uploaded"),
  limit: z.int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

type Row = UploadsTable["$inferSelect"];

/**
 * Presigned uploads to Cloudflare R2 (or any S3-compatible store), tracked in the `uploads`
 * table: sign a PUT bound to type, size and owner, verify the object after upload, then sign
 * downloads. Options are validated once; a problem throws one `ConfigError` listing all of them.
 *
 * @example
 * const uploads = createUploads({ db }) // R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_BUCKET
 * const { url, headers, key } = await uploads.createUploadURL({ policy: "avatar", filename, contentType, size, ownerId })
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
  const { threshold, partSize: minimumPartSize } = resolved.multipart;

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
      etag: row.etag,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      publicURL: publicURL(row.key),
    };
  }

  function checkPolicy(input: z.output<typeof createUploadSchema>): ResolvedUploadPolicy {
    const policy = Object.hasOwn(policies, input.policy) ? policies[input.policy] : undefined;
    if (!policy) {
      throw new UploadError(`Unknown upload policy "${input.policy}". Known: ${Object.keys(policies).join(", ")}.`, {
        code: "UPLOAD_POLICY_UNKNOWN",
      });
    }
    if (!policy.contentTypes.some((allowed) => contentTypeMatches(allowed, input.contentType))) {
      throw new UploadError(
        `Files of type ${input.contentType} are not allowed for "${policy.name}" (allowed: ${policy.contentTypes.join(", ")}).`,
        { code: "UPLOAD_TYPE_NOT_ALLOWED" },
      );
    }
    if (input.size > policy.maxBytes) {
      throw new UploadError(
        `The file is ${input.size} bytes; "${policy.name}" accepts at most ${policy.maxBytes} bytes.`,
        { code: "UPLOAD_TOO_LARGE" },
      );
    }
    return policy;
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

  async function setStatus(row: Row, status: UploadStatus, etag?: string | null): Promise<Row> {
    const [updated] = await db
      .update(table)
      .set(etag === undefined ? { status } : { status, etag })
      .where(eq(table.id, row.id))
      .returning();
    return updated ?? { ...row, status };
  }

  /** HEAD the object and hold it to what was signed; a mismatch is deleted, never accepted. */
  async function verify(row: Row): Promise<UploadRecord> {
    const object = await storage("Checking the upload", () => r2.head(row.key));
    if (!object) {
      throw new UploadError("Nothing has been uploaded to this key yet.", { code: "UPLOAD_NOT_FOUND" });
    }
    const problems: string[] = [];
    if (object.size !== row.size) problems.push(`size is ${object.size ?? "unknown"} bytes, ${row.size} were signed`);
    const storedType = object.contentType?.trim().toLowerCase();
    if (storedType !== row.contentType)
      problems.push(`content type is ${storedType ?? "missing"}, not ${row.contentType}`);
    if (object.metadata[OWNER_METADATA] !== row.ownerId) problems.push("owner metadata does not match");
    if (problems.length > 0) {
      await storage("Deleting the mismatched object", () => r2.delete(row.key));
      await setStatus(row, "deleted");
      throw new UploadError(`The uploaded object was rejected and deleted: ${problems.join("; ")}.`, {
        code: "UPLOAD_MISMATCH",
      });
    }
    return toRecord(await setStatus(row, "uploaded", object.etag ?? null));
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
    publicURL,

    async createUploadURL(raw) {
      const input = parseInput(createUploadSchema, raw, "createUploadURL");
      const policy = checkPolicy(input);
      if (input.size > threshold) {
        throw new UploadError(
          `The file is ${input.size} bytes; files over ${threshold} bytes must use createMultipartUpload.`,
          { code: "UPLOAD_MULTIPART_REQUIRED" },
        );
      }
      const key = buildKey(policy.prefix, input.filename);
      const { signing: when, expiresAt } = signing();
      const url = await storage("Signing the upload URL", () =>
        r2.presignPut({
          key,
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
      return verify(row);
    },

    async createDownloadURL(key, options = {}) {
      const input = parseInput(downloadSchema, { ...options, key }, "createDownloadURL");
      const row = await findOwned(input.key, input.ownerId);
      if (row.status !== "uploaded") {
        throw new UploadError(`This upload is ${row.status}, not downloadable.`, { code: "UPLOAD_NOT_FOUND" });
      }
      const { signing: when, expiresAt } = signing(input.expiresInSeconds);
      const url = await storage("Signing the download URL", () =>
        r2.presignGet({
          key: row.key,
          contentDisposition: contentDisposition(row.filename, input.disposition),
          ...when,
        }),
      );
      return { url, method: "GET", expiresAt };
    },

    async deleteUpload(key, options = {}) {
      const input = parseInput(deleteSchema, { ...options, key }, "deleteUpload");
      const row = await findOwned(input.key, input.ownerId);
      if (row.status === "deleted") return toRecord(row);
      await storage("Deleting the object", () => r2.delete(row.key));
      return toRecord(await setStatus(row, "deleted"));
    },

    async listUploads(ownerId, options = {}) {
      const input = parseInput(listSchema, { ...options, ownerId }, "listUploads");
      const statuses = typeof input.status === "string" ? [input.status] : input.status;
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const rows = await db
        .select()
        .from(table)
        .where(
          and(
            eq(table.ownerId, input.ownerId),
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
      const partNumbers = Array.from({ length: plan.partCount }, (_, index) => index + 1);
      const { parts, expiresAt } = await signParts(row, uploadId, plan, partNumbers);
      return { key, uploadId, partSize: plan.partSize, partCount: plan.partCount, parts, expiresAt };
    },

    async signUploadParts(raw) {
      const ref = parseInput(signPartsSchema, raw, "signUploadParts");
      const row = await findPending(ref);
      const plan = planParts(row.size, minimumPartSize);
      const partNumbers = ref.partNumbers ?? Array.from({ length: plan.partCount }, (_, index) => index + 1);
      const outside = partNumbers.find((partNumber) => partNumber > plan.partCount);
      if (outside !== undefined) {
        throw new ValidationError(`signUploadParts: partNumbers: this upload has ${plan.partCount} parts`, {
          issues: [{ path: "partNumbers", message: `must be between 1 and ${plan.partCount}` }],
        });
      }
      return signParts(row, ref.uploadId, plan, [...new Set(partNumbers)]);
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
      return verify(row);
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

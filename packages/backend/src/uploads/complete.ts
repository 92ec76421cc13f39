import { UploadError } from "../shared/errors.js";
import type { UploadsContext } from "./context.js";
import { stagingKey } from "./keys.js";
import type { StoredObject } from "./r2-client.js";
import type { UploadRow } from "./records.js";
import { OWNER_METADATA } from "./signing.js";
import { storage, storageFailure } from "./storage.js";
import type { UploadRecord } from "./types.js";

// Verification after upload, shared by both ways of uploading: the staged single PUT (verified,
// then copied to its key) and the assembled multipart object (verified in place).

/**
 * @internal Single-PUT completion. The browser's URL writes only the staging key, and a URL stays
 * valid until it expires, so it can be replayed after completion. What downloads serve is
 * therefore a server-side copy at the final key, for which no URL is ever signed:
 *
 * 1. HEAD the staging object: size, type and owner as signed (else it is deleted).
 * 2. Claim the record for that ETag (one conditional UPDATE), so two completions with different
 *    bytes never both copy.
 * 3. Copy staging → final with `x-amz-copy-source-if-match: <ETag>` (a replay in between makes
 *    S3/R2 refuse), and compare the copy's ETag with the verified one anyway (for stores that
 *    ignore the condition, s3rver among them).
 * 4. Mark the record uploaded (conditional on the claim), then delete the staging object.
 */
export async function completeStaged(ctx: UploadsContext, row: UploadRow): Promise<UploadRecord> {
  const { r2, records } = ctx;
  const staging = stagingKey(row.key);
  const object = await storage("Checking the upload", () => r2.head(staging));
  if (!object) {
    throw new UploadError("Nothing has been uploaded to this key yet.", { code: "UPLOAD_NOT_FOUND" });
  }
  const problems = mismatches(row, object);
  if (problems.length > 0) return reject(ctx, row, staging, problems.join("; "));
  const etag = object.etag as string;

  if (!(await records.claim(row, etag))) return settled(ctx, row);

  let copied: string | undefined;
  try {
    copied = await storage("Copying the verified upload", () => r2.copy({ from: staging, to: row.key, ifMatch: etag }));
  } catch (error) {
    const kind = storageFailure(error);
    // The staging object changed between the HEAD and the copy: a replayed PUT.
    if (kind === "precondition-failed") return reject(ctx, row, staging, "it changed while it was being verified");
    // Gone: another completion finished (and removed it), or the upload was deleted.
    if (kind === "not-found") return settled(ctx, row);
    throw error;
  }
  if (copied !== etag) {
    // The store ignored the condition and copied bytes nobody verified: keep neither copy.
    await storage("Deleting the unverified copy", () =>
      Promise.all([r2.delete(row.key), r2.delete(staging)]).then(() => undefined),
    );
    await records.setStatus(row, "deleted");
    throw new UploadError("The upload changed while it was being completed; it has been deleted.", {
      code: "UPLOAD_MISMATCH",
    });
  }
  const done = await records.finishClaim(row, etag);
  // The copy is what counts now; a staging object left by a failed delete is the lifecycle rule's.
  await r2.delete(staging).catch(() => undefined);
  if (done) return records.toRecord(done);
  const current = await records.reread(row);
  if (current?.status === "uploaded" && current.etag === etag) return records.toRecord(current);
  // Deleted meanwhile: the copy must not outlive its record.
  await storage("Deleting the copy of a deleted upload", () => r2.delete(row.key));
  return settled(ctx, row);
}

/**
 * @internal Multipart completion: HEAD the assembled object (no URL can write it any more) and
 * hold it to what was signed.
 */
export async function verifyAssembled(ctx: UploadsContext, row: UploadRow): Promise<UploadRecord> {
  const object = await storage("Checking the upload", () => ctx.r2.head(row.key));
  if (!object) {
    throw new UploadError("Nothing has been uploaded to this key yet.", { code: "UPLOAD_NOT_FOUND" });
  }
  const problems = mismatches(row, object);
  if (problems.length > 0) return reject(ctx, row, row.key, problems.join("; "));
  const done = await ctx.records.markUploaded(row, object.etag ?? null);
  return done ? ctx.records.toRecord(done) : settled(ctx, row);
}

/** What differs between a stored object and what was signed for `row`. */
function mismatches(row: UploadRow, object: StoredObject): string[] {
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
async function reject(ctx: UploadsContext, row: UploadRow, objectKey: string, reason: string): Promise<UploadRecord> {
  await storage("Deleting the mismatched object", () => ctx.r2.delete(objectKey));
  if (!(await ctx.records.deleteIfPending(row))) return settled(ctx, row);
  throw new UploadError(`The uploaded object was rejected and deleted: ${reason}.`, { code: "UPLOAD_MISMATCH" });
}

/**
 * After a completion lost a race (claim, copy or final update): the record as another call
 * left it. Uploaded: that call's verified bytes are what is stored, so return it.
 */
async function settled(ctx: UploadsContext, row: UploadRow): Promise<UploadRecord> {
  const current = await ctx.records.reread(row);
  if (current?.status === "uploaded") return ctx.records.toRecord(current);
  if (!current || current.status === "deleted") {
    throw new UploadError("This upload was deleted.", { code: "UPLOAD_NOT_FOUND" });
  }
  throw new UploadError("The upload changed while another completion of it was running; upload it again.", {
    code: "UPLOAD_MISMATCH",
  });
}

import { UploadError, ValidationError } from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import { verifyAssembled } from "./complete.js";
import type { UploadsContext } from "./context.js";
import { buildKey } from "./keys.js";
import { R2_LIMITS } from "./options.js";
import { checkPolicy } from "./policies.js";
import type { UploadRow } from "./records.js";
import { completeMultipartSchema, createUploadSchema, multipartRefSchema, signPartsSchema } from "./schemas.js";
import { OWNER_METADATA } from "./signing.js";
import { storage, storageFailure } from "./storage.js";
import type { PresignedPart, Uploads } from "./types.js";

const MiB = 1024 * 1024;

/** @internal How a file of `size` bytes is cut into parts. */
export interface PartPlan {
  /** Size of every part but the last, which holds the rest (1 to `partSize` bytes). */
  partSize: number;
  partCount: number;
}

/**
 * @internal Equal parts of `minimumPartSize` (R2 requires every part but the last to be the same
 * size), grown in whole MiB when the file would otherwise need more than 10,000 parts.
 * Deterministic, so part URLs can be signed again later from the recorded size alone.
 */
export function planParts(size: number, minimumPartSize: number): PartPlan {
  const smallestFitting = Math.ceil(Math.ceil(size / R2_LIMITS.maxParts) / MiB) * MiB;
  const partSize = Math.max(minimumPartSize, smallestFitting);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** @internal Byte length of part `partNumber` (1-based) of a file of `size` bytes. */
export function partLength(size: number, plan: PartPlan, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}

/** @internal Presigned multipart uploads, for files above `multipart.threshold`. */
export function multipart(
  ctx: UploadsContext,
): Pick<Uploads, "createMultipartUpload" | "signUploadParts" | "completeMultipartUpload" | "abortMultipartUpload"> {
  const { r2, records } = ctx;
  const { partSize: minimumPartSize, signBatchSize } = ctx.multipart;

  async function signParts(
    row: UploadRow,
    uploadId: string,
    plan: PartPlan,
    partNumbers: readonly number[],
  ): Promise<{ parts: PresignedPart[]; expiresAt: Date }> {
    const { signing: when, expiresAt } = ctx.sign();
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
    async createMultipartUpload(raw) {
      const input = parseInput(createUploadSchema, raw, "createMultipartUpload");
      const policy = checkPolicy(ctx.policies, input);
      if (input.organizationId) await ctx.records.authorize(input.ownerId, input.organizationId, "create");
      await ctx.limit(input);
      const plan = planParts(input.size, minimumPartSize);
      const key = buildKey(policy.prefix, input.filename);
      const uploadId = await storage("Starting the multipart upload", () =>
        r2.createMultipart({ key, contentType: input.contentType, metadata: { [OWNER_METADATA]: input.ownerId } }),
      );
      let row: UploadRow;
      try {
        row = await records.insertPending(input, policy, key);
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
      const row = await records.findPending(ref);
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
      const row = await records.findPending(ref);
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
      return verifyAssembled(ctx, row);
    },

    async abortMultipartUpload(raw) {
      const ref = parseInput(multipartRefSchema, raw, "abortMultipartUpload");
      const row = await records.findOwned(ref.key, ref.ownerId, "create");
      if (row.status === "deleted") return records.toRecord(row);
      if (row.status !== "pending") {
        throw new UploadError("This upload is already complete; delete it instead.", { code: "UPLOAD_NOT_FOUND" });
      }
      try {
        await storage("Aborting the multipart upload", () =>
          r2.abortMultipart({ key: row.key, uploadId: ref.uploadId }),
        );
      } catch (error) {
        // Already aborted or completed-and-gone: the outcome the caller wants.
        if (storageFailure(error) !== "no-such-upload") throw error;
      }
      return records.toRecord(await records.setStatus(row, "deleted"));
    },
  };
}

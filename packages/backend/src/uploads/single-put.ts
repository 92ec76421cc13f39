import { UploadError } from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import { completeStaged } from "./complete.js";
import type { UploadsContext } from "./context.js";
import { buildKey, stagingKey } from "./keys.js";
import { checkPolicy } from "./policies.js";
import { createUploadSchema, refSchema } from "./schemas.js";
import { OWNER_METADATA } from "./signing.js";
import { storage } from "./storage.js";
import type { Uploads } from "./types.js";

/** @internal Uploads in one PUT: signed to the staging key, completed by verification and a copy. */
export function singlePut(ctx: UploadsContext): Pick<Uploads, "createUploadURL" | "completeUpload"> {
  const { threshold } = ctx.multipart;
  return {
    async createUploadURL(raw) {
      const input = parseInput(createUploadSchema, raw, "createUploadURL");
      const policy = checkPolicy(ctx.policies, input);
      if (input.size > threshold) {
        throw new UploadError(`Files over ${threshold} bytes must use createMultipartUpload.`, {
          code: "UPLOAD_MULTIPART_REQUIRED",
        });
      }
      if (input.organizationId) await ctx.records.authorize(input.ownerId, input.organizationId, "create");
      await ctx.limit(input);
      const key = buildKey(policy.prefix, input.filename);
      const { signing: when, expiresAt } = ctx.sign();
      const url = await storage("Signing the upload URL", () =>
        ctx.r2.presignPut({
          key: stagingKey(key),
          contentType: input.contentType,
          contentLength: input.size,
          metadata: { [OWNER_METADATA]: input.ownerId },
          ...when,
        }),
      );
      await ctx.records.insertPending(input, policy, key);
      return { url, method: "PUT", headers: { "Content-Type": input.contentType }, key, expiresAt };
    },

    async completeUpload(raw) {
      const ref = parseInput(refSchema, raw, "completeUpload");
      const row = await ctx.records.findOwned(ref.key, ref.ownerId, "create");
      if (row.status === "deleted") throw new UploadError("This upload was deleted.", { code: "UPLOAD_NOT_FOUND" });
      // Already verified and copied: never read the staging key again, whatever a replay put there.
      if (row.status === "uploaded") return ctx.records.toRecord(row);
      return completeStaged(ctx, row);
    },
  };
}

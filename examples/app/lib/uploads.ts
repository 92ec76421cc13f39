import { createUploads, isTetrastackError } from "@tetrastack/backend/uploads";
import { db } from "@/db";

/** The one upload policy of this app: small images, PDFs and text files. */
export const ATTACHMENT_POLICY = {
  contentTypes: ["image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf", "text/plain"],
  maxBytes: 10 * 1024 * 1024,
  prefix: "attachments",
} as const;

/**
 * The uploads service. In development `pnpm dev` sets `R2_ENDPOINT`, `R2_BUCKET`,
 * `R2_ACCESS_KEY_ID` and `R2_SECRET_ACCESS_KEY` to the package's local S3 server
 * (`@tetrastack/backend/uploads/dev`); with R2's own variables set, the same code talks to R2.
 * Created at import: `createUploads` checks the credentials when storage is first used, so
 * `next build` runs without them.
 */
export const uploads = createUploads({
  db,
  policies: { attachment: { ...ATTACHMENT_POLICY, contentTypes: [...ATTACHMENT_POLICY.contentTypes] } },
  // Small on purpose, so that files over 5 MiB show the multipart flow and its batches of part
  // URLs (one part per signing request here). A real app keeps the defaults: 100 MiB, 10 MiB
  // parts, 100 part URLs per request.
  multipart: { threshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024, signBatchSize: 1 },
});

/** Deletes every stored file of a user (for account deletion); nothing to do when storage is not configured. */
export async function deleteAllUploads(ownerId: string): Promise<void> {
  for (;;) {
    const { items } = await uploads.listUploads(ownerId, { status: ["pending", "uploaded"], limit: 100 });
    if (items.length === 0) return;
    try {
      for (const item of items) await uploads.deleteUpload(item.key, { ownerId });
    } catch (error) {
      if (isTetrastackError(error, "CONFIG_INVALID")) return; // no R2_* variables: no storage to clean
      throw error;
    }
  }
}

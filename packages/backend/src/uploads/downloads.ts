import { UploadError } from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import { downloadFilename, effectiveDisposition } from "./content-types.js";
import type { UploadsContext } from "./context.js";
import { contentDisposition } from "./keys.js";
import { downloadSchema } from "./schemas.js";
import { storage } from "./storage.js";
import type { Uploads } from "./types.js";

/**
 * @internal Signed downloads of verified uploads, served as their verified content type under
 * their original name, inline only for types that cannot run script.
 */
export function downloads(ctx: UploadsContext): Pick<Uploads, "createDownloadURL"> {
  return {
    async createDownloadURL(key, options) {
      const { key: parsedKey, options: input } = parseInput(downloadSchema, { key, options }, "createDownloadURL");
      const row = await ctx.records.findOwned(parsedKey, input.ownerId, "read");
      if (row.status !== "uploaded") {
        throw new UploadError(`This upload is ${row.status}, not downloadable.`, { code: "UPLOAD_NOT_FOUND" });
      }
      const disposition = effectiveDisposition(row.contentType, input.disposition);
      const { signing: when, expiresAt } = ctx.sign(input.expiresInSeconds);
      const url = await storage("Signing the download URL", () =>
        ctx.r2.presignGet({
          key: row.key,
          contentDisposition: contentDisposition(downloadFilename(row.filename, row.contentType), disposition),
          contentType: row.contentType,
          ...when,
        }),
      );
      return { url, method: "GET", expiresAt };
    },
  };
}

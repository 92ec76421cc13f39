import { parseInput } from "../shared/validate.js";
import type { UploadsContext } from "./context.js";
import { stagingKey } from "./keys.js";
import { deleteSchema } from "./schemas.js";
import { storage } from "./storage.js";
import type { Uploads } from "./types.js";

/** @internal Deleting an upload: its objects, then its record (kept, marked deleted). */
export function deletion(ctx: UploadsContext): Pick<Uploads, "deleteUpload"> {
  return {
    async deleteUpload(key, options) {
      const { key: parsedKey, options: input } = parseInput(deleteSchema, { key, options }, "deleteUpload");
      const row = await ctx.records.findOwned(parsedKey, input.ownerId, "delete");
      if (row.status === "deleted") return ctx.records.toRecord(row);
      // Both keys: a pending upload may sit in staging, a completed one at its key.
      await storage("Deleting the object", () =>
        Promise.all([ctx.r2.delete(row.key), ctx.r2.delete(stagingKey(row.key))]).then(() => undefined),
      );
      return ctx.records.toRecord(await ctx.records.setStatus(row, "deleted"));
    },
  };
}

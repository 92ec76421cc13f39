import { decodeCursor, encodeCursor, notACursor } from "../shared/cursor.js";
import { parseInput } from "../shared/validate.js";
import type { UploadsContext } from "./context.js";
import { listSchema } from "./schemas.js";
import type { Uploads } from "./types.js";

/**
 * @internal A user's uploads, newest first, a page at a time. Pages are cut by a keyset cursor
 * (the last row's `createdAt` and `id`) rather than an offset, so uploads added meanwhile never
 * shift a row onto two pages or off both.
 */
export function listing(ctx: UploadsContext): Pick<Uploads, "listUploads"> {
  return {
    async listUploads(ownerId, options = {}) {
      const { ownerId: owner, options: input } = parseInput(listSchema, { ownerId, options }, "listUploads");
      const statuses = typeof input.status === "string" ? [input.status] : input.status;
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, "listUploads");
      if (after && !ctx.records.canBeId(after.id)) throw notACursor("listUploads");
      // One row more than the page: whether it exists says whether there is a next page.
      const { organizationId } = input;
      if (organizationId !== undefined) await ctx.records.authorize(owner, organizationId, "read");
      const rows = await ctx.records.page(
        organizationId === undefined ? { ownerId: owner } : { organizationId },
        statuses,
        after,
        input.limit + 1,
      );
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      return {
        items: page.map(ctx.records.toRecord),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
      };
    },
  };
}

import * as z from "zod";
import { ValidationError } from "./errors.js";

// The opaque cursors of the newest-first lists (uploads, members, audit events): the last row's
// time and id, which the lists order by, as base64url JSON. Opaque so that callers pass them back
// unchanged; checked on the way in, since they come from the client.

/** @internal Where a page ends: the last row's `createdAt` and `id`. */
export interface PagePosition {
  createdAt: Date;
  id: string;
}

const cursorSchema = z.tuple([z.int().nonnegative(), z.string().min(1).max(64)]);

/** @internal The cursor of the page after `row`. */
export function encodeCursor(row: PagePosition): string {
  return Buffer.from(JSON.stringify([row.createdAt.getTime(), row.id])).toString("base64url");
}

/** @internal The ValidationError for a cursor that `list` (a function name) did not make. */
export function notACursor(list: string): ValidationError {
  return new ValidationError(`${list}: cursor: not a cursor from ${list}`, {
    issues: [{ path: "cursor", message: `not a cursor from ${list}` }],
  });
}

/** @internal The position a cursor from {@link encodeCursor} names; anything else is {@link notACursor}. */
export function decodeCursor(cursor: string, list: string): PagePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw notACursor(list);
  return { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
}

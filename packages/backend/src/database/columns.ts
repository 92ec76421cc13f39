import { integer, text } from "drizzle-orm/sqlite-core";
import { invalidArgument } from "../shared/arguments.js";
import { uuidv7 } from "../utils/uuidv7.js";

/** Longest column name accepted by the helpers; SQLite has no limit, no schema needs more. */
const MAX_COLUMN_NAME_LENGTH = 128;

/** @internal Checks a column name given to a helper; a `ValidationError` for anything but a short string. */
export function checkColumnName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length > MAX_COLUMN_NAME_LENGTH) {
    invalidArgument(fn, "name", `a column name of at most ${MAX_COLUMN_NAME_LENGTH} characters`);
  }
}

/**
 * A text primary key filled with a UUIDv7 by the application on insert, so rows sort by creation
 * time and ids never depend on the database.
 *
 * @example
 * const notes = sqliteTable("notes", { id: id(), ...timestamps() })
 */
export function id(name = "id") {
  checkColumnName("id", name);
  return text(name)
    .primaryKey()
    .$defaultFn(() => uuidv7());
}

/**
 * `created_at` and `updated_at` as millisecond timestamps (`Date` in TypeScript). Both are set on
 * insert; `updated_at` moves on every update made through Drizzle. Takes no arguments.
 */
export function timestamps() {
  return {
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().$defaultFn(insertInstant),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(insertInstant)
      .$onUpdateFn(() => new Date()),
  };
}

let instant: Date | undefined;

/**
 * One instant for every default of the insert being built: drizzle calls each column's default
 * separately, and two `new Date()`s a millisecond apart would give a new row an `updated_at` after
 * its `created_at`. Forgotten at the next microtask, so the next insert gets its own.
 */
function insertInstant(): Date {
  if (!instant) {
    instant = new Date();
    queueMicrotask(() => {
      instant = undefined;
    });
  }
  return instant;
}

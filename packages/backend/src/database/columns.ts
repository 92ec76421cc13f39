import { integer, text } from "drizzle-orm/sqlite-core";
import { uuidv7 } from "../utils/uuidv7.js";
import { checkColumnName, insertInstant } from "./model.js";

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

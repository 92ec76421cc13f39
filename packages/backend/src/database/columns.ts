import { integer, text } from "drizzle-orm/sqlite-core";
import { uuidv7 } from "../utils/uuidv7.js";

/**
 * A text primary key filled with a UUIDv7 by the application on insert, so rows sort by creation
 * time and ids never depend on the database.
 *
 * @example
 * const notes = sqliteTable("notes", { id: id(), ...timestamps() })
 */
export function id(name = "id") {
  return text(name)
    .primaryKey()
    .$defaultFn(() => uuidv7());
}

/**
 * `created_at` and `updated_at` as millisecond timestamps (`Date` in TypeScript). Both are set on
 * insert; `updated_at` moves on every update made through Drizzle.
 */
export function timestamps() {
  return {
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date())
      .$onUpdateFn(() => new Date()),
  };
}

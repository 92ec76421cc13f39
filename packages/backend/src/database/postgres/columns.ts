import { timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "../../utils/uuidv7.js";
import { checkColumnName, insertInstant } from "../model.js";

/**
 * A native `uuid` primary key filled with a UUIDv7 by the application on insert, so rows sort by
 * creation time (and index well) and ids never depend on the database.
 *
 * @example
 * const notes = pgTable("notes", { id: id(), ...timestamps() })
 */
export function id(name = "id") {
  checkColumnName("id", name);
  return uuid(name)
    .primaryKey()
    .$defaultFn(() => uuidv7());
}

/**
 * `created_at` and `updated_at` as `timestamptz` (`Date` in TypeScript). Both are set on insert,
 * to the same instant; `updated_at` moves on every update made through Drizzle. Takes no arguments.
 */
export function timestamps() {
  return {
    createdAt: timestamp("created_at", { mode: "date", withTimezone: true }).notNull().$defaultFn(insertInstant),
    updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true })
      .notNull()
      .$defaultFn(insertInstant)
      .$onUpdateFn(() => new Date()),
  };
}

/** @internal A `timestamptz` column read and written as a `Date`. */
export function instant(name: string) {
  return timestamp(name, { mode: "date", withTimezone: true });
}

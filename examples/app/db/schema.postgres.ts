import { extendUsersRelations, id, timestamps, userId, users } from "@tetrastack/backend/database/postgres";
import { relations } from "drizzle-orm";
import { index, pgTable, text } from "drizzle-orm/pg-core";

/**
 * The app's `notes` table for PostgreSQL: the twin of ./schema.ts (same table, columns, index
 * and property names), on the package's PostgreSQL tables.
 */
export const notes = pgTable(
  "notes",
  {
    id: id(),
    userId: userId(),
    body: text("body").notNull(),
    ...timestamps(),
  },
  (table) => [index("notes_user_id_created_at_idx").on(table.userId, table.createdAt)],
);

export const notesRelations = relations(notes, ({ one }) => ({
  author: one(users, { fields: [notes.userId], references: [users.id] }),
}));

/** The package's user relations plus `users.notes`; replaces `schema.usersRelations` when spread after it. */
export const usersRelations = extendUsersRelations(({ many }) => ({ notes: many(notes) }));

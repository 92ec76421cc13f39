import { extendUsersRelations, id, timestamps, userId, users } from "@tetrastack/backend/database";
import { relations } from "drizzle-orm";
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The app's own table: notes owned by a user, following the package's id and timestamp conventions. */
export const notes = sqliteTable(
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

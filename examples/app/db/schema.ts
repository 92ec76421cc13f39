import {
  extendUsersRelations,
  id,
  organizationId,
  organizations,
  timestamps,
  userId,
  users,
} from "@tetrastack/backend/database";
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

/**
 * Projects owned by an organization (a tenant), not by a user: every member sees them, the roles
 * in auth.ts decide who may create or delete one. `organizationId()` deletes them with the
 * organization; the index leads with it, as every query filters on it.
 */
export const projects = sqliteTable(
  "projects",
  {
    id: id(),
    organizationId: organizationId(),
    name: text("name").notNull(),
    /** Who created it; kept (null) when that account is deleted. */
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (table) => [index("projects_organization_id_created_at_idx").on(table.organizationId, table.createdAt)],
);

export const projectsRelations = relations(projects, ({ one }) => ({
  organization: one(organizations, { fields: [projects.organizationId], references: [organizations.id] }),
}));

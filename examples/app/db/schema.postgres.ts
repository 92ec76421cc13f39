import {
  extendUsersRelations,
  id,
  organizationId,
  organizations,
  timestamps,
  userId,
  users,
} from "@tetrastack/backend/database/postgres";
import { relations } from "drizzle-orm";
import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";

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

/** The twin of ./schema.ts's `projects`: owned by an organization, deleted with it. */
export const projects = pgTable(
  "projects",
  {
    id: id(),
    organizationId: organizationId(),
    name: text("name").notNull(),
    /** Who created it; kept (null) when that account is deleted. */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (table) => [index("projects_organization_id_created_at_idx").on(table.organizationId, table.createdAt)],
);

export const projectsRelations = relations(projects, ({ one }) => ({
  organization: one(organizations, { fields: [projects.organizationId], references: [organizations.id] }),
}));

import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganizationStore } from "../src/auth/organizations/store.js";
import { dialectOf } from "../src/database/dialect.js";
import type { Database } from "../src/database/index.js";
import { auditEvents, members, organizations, sessions, users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";

// The membership check must stay one indexed lookup however many members and organizations
// there are (bench/RESULTS.md, organizations): these tests read SQLite's plan for the queries
// of requireMember() and its neighbours.
describe("query plans of organizations", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
    const { sql: text, params } = query.toSQL();
    const result = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: params as never[] });
    return result.rows.map((row) => String(row.detail)).join(" | ");
  }

  it("finds a membership by (organization, user) in the unique index", async () => {
    const detail = await plan(
      db
        .select({ id: members.id, role: members.role })
        .from(members)
        .where(and(eq(members.organizationId, "o"), eq(members.userId, "u")))
        .limit(1),
    );
    expect(detail).toBe(
      "SEARCH members USING INDEX members_organization_id_user_id_unique (organization_id=? AND user_id=?)",
    );
  });

  it("resolves a session, its user and the active organization's membership in one indexed query", async () => {
    const query = db
      .select({ id: sessions.id, user: users.id, active: sessions.activeOrganizationId, role: members.role })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(
        members,
        and(eq(members.organizationId, sessions.activeOrganizationId), eq(members.userId, sessions.userId)),
      )
      .where(eq(sessions.sessionToken, "hash"))
      .limit(1);
    const detail = await plan(query);
    expect(detail).toMatch(/^SEARCH sessions USING INDEX sqlite_autoindex_sessions_1 \(session_token=\?\)/);
    expect(detail).toMatch(/SEARCH users USING (COVERING )?INDEX sqlite_autoindex_users_1 \(id=\?\)/);
    expect(detail).toMatch(
      /SEARCH members USING INDEX members_organization_id_user_id_unique \(organization_id=\? AND user_id=\?\) LEFT-JOIN/,
    );
    expect(detail).not.toMatch(/SCAN/);
  });

  it("checks for another owner, and a member's roles, through indexes", async () => {
    const store = createOrganizationStore(db as never, { organizations, members } as never, dialectOf(db));
    const detail = await plan(
      db
        .select({ id: organizations.id })
        .from(organizations)
        .where(and(eq(organizations.id, "o"), store.otherOwner("o", "m"), store.hasRole("o", "u", ["owner", "admin"]))),
    );
    expect(detail).toMatch(/members_organization_id_role_idx|members_organization_id_user_id_unique/);
    expect(detail).not.toMatch(/SCAN members/);
  });

  it("pages an organization's audit log newest first from its index, without sorting", async () => {
    const detail = await plan(
      db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.organizationId, "o"))
        .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
        .limit(51),
    );
    expect(detail).toMatch(
      /SEARCH audit_events USING INDEX audit_events_organization_id_created_at_idx \(organization_id=\?\)/,
    );
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });
});

import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { AnyDatabase, Dialect, QueryDatabase, Statement } from "../../database/dialect.js";
import { NotAMemberError } from "../../shared/errors.js";
import type { AuthTables } from "../tables.js";
import type { Organization } from "./options.js";

/** @internal A member row as the checks need it. */
export interface MemberRow {
  id: string;
  role: string;
  userId: string;
}

/** @internal An organization of a user, with the user's role in it. */
export interface OrganizationMembership extends Organization {
  /** The user's role in it. */
  role: string;
  /** The user's `members` row id. */
  memberId: string;
}

/**
 * @internal The reads every organization feature shares, and the SQL their guarded writes are
 * built from. The membership check is one prepared query on the unique (organization, user) index.
 */
export interface OrganizationStore {
  /** The member row of `userId` in `organizationId`, or null (also for ids that cannot be ids). */
  membership(organizationId: string, userId: string): Promise<MemberRow | null>;
  /** A member row by id, within its organization. */
  member(organizationId: string, memberId: string): Promise<MemberRow | null>;
  /** How many owners the organization has. */
  ownerCount(organizationId: string): Promise<number>;
  organization(id: string): Promise<Organization | null>;
  bySlug(slug: string): Promise<Organization | null>;
  /** The user's organizations with their role, oldest membership first. */
  ofUser(userId: string): Promise<OrganizationMembership[]>;
  /**
   * The first statements of every batch that changes who belongs to an organization or with
   * which role: on PostgreSQL a `SELECT … FOR UPDATE` of the organization's row, so that two such
   * batches of one organization never interleave (READ COMMITTED would otherwise let two
   * demotions each see the other owner and both commit); none on libSQL, whose batches already run one
   * at a time.
   */
  lock(q: AnyDatabase, organizationId: string): Statement[];
  /** `EXISTS` a member of the organization who is `userId` with one of `roles`. */
  hasRole(organizationId: string | SQL, userId: string, roles: readonly string[]): SQL;
  /** `EXISTS` an owner of the organization other than the member `memberId`. */
  otherOwner(organizationId: string, memberId: string): SQL;
  /** Whether `value` can be an id on this dialect. */
  canBeId(value: string): boolean;
  /** A NOT_A_MEMBER error: also for organizations that do not exist (not told apart). */
  notAMember(): NotAMemberError;
}

/** @internal */
export function createOrganizationStore(
  db: QueryDatabase,
  tables: Pick<AuthTables, "organizations" | "members">,
  dialect: Dialect,
): OrganizationStore {
  const { organizations, members } = tables;
  const byPair = dialect.prepareFirst<MemberRow>(
    db
      .select({ id: members.id, role: members.role, userId: members.userId })
      .from(members)
      .where(
        and(
          eq(members.organizationId, sql.placeholder("organizationId")),
          eq(members.userId, sql.placeholder("userId")),
        ),
      )
      .limit(1),
    "tetrastack_membership",
  );
  const ids = (...values: string[]): boolean => values.every((value) => dialect.canBeId(value));
  const toOrganization = (row: AuthTables["organizations"]["$inferSelect"]): Organization => ({
    id: row.id,
    name: row.name,
    slug: row.slug,
    metadata: row.metadata ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  const other = sql.raw("other_owner");

  return {
    async membership(organizationId, userId) {
      if (!ids(organizationId, userId)) return null;
      return (await byPair({ organizationId, userId })) ?? null;
    },
    async member(organizationId, memberId) {
      if (!ids(organizationId, memberId)) return null;
      const [row] = await db
        .select({ id: members.id, role: members.role, userId: members.userId })
        .from(members)
        .where(and(eq(members.id, memberId), eq(members.organizationId, organizationId)))
        .limit(1);
      return row ?? null;
    },
    async ownerCount(organizationId) {
      if (!ids(organizationId)) return 0;
      const [row] = await db
        .select({ count: sql<number>`count(*)` })
        .from(members)
        .where(and(eq(members.organizationId, organizationId), eq(members.role, "owner")));
      return Number(row?.count ?? 0);
    },
    async organization(id) {
      if (!ids(id)) return null;
      const [row] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
      return row ? toOrganization(row) : null;
    },
    async bySlug(slug) {
      const [row] = await db.select().from(organizations).where(eq(organizations.slug, slug)).limit(1);
      return row ? toOrganization(row) : null;
    },
    async ofUser(userId) {
      if (!ids(userId)) return [];
      const rows = await db
        .select({ organization: organizations, role: members.role, memberId: members.id })
        .from(members)
        .innerJoin(organizations, eq(organizations.id, members.organizationId))
        .where(eq(members.userId, userId))
        .orderBy(asc(members.createdAt), asc(members.id));
      return rows.map((row) => ({ ...toOrganization(row.organization), role: row.role, memberId: row.memberId }));
    },
    lock(q, organizationId) {
      const statement = dialect.lockRows(q, organizations, eq(organizations.id, organizationId));
      return statement ? [statement] : [];
    },
    hasRole(organizationId, userId, roles) {
      if (roles.length === 0) return sql`1 = 0`;
      return sql`exists (select 1 from ${members} where ${and(
        eq(members.organizationId, organizationId),
        eq(members.userId, userId),
        inArray(members.role, [...roles]),
      )})`;
    },
    otherOwner(organizationId, memberId) {
      // An alias of its own: the statement it goes into may read `members` itself.
      return sql`exists (select 1 from ${members} as ${other} where ${other}.${sql.identifier(members.organizationId.name)} = ${sql.param(
        organizationId,
        members.organizationId,
      )} and ${other}.${sql.identifier(members.role.name)} = 'owner' and ${other}.${sql.identifier(members.id.name)} <> ${sql.param(
        memberId,
        members.id,
      )})`;
    },
    canBeId: (value) => dialect.canBeId(value),
    notAMember: () => new NotAMemberError("You are not a member of this organization."),
  };
}

import { and, eq, getTableColumns, gte, inArray, lt, ne, sql } from "drizzle-orm";
import {
  type AnyDatabase,
  type DeferredWrite,
  type Dialect,
  dialectOf,
  type QueryDatabase,
  type Statement,
} from "../../database/dialect.js";
import { deleteInBatches } from "../../shared/batches.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import type { AuthTables } from "../tables.js";
import { hashSessionToken, isRandomToken } from "./token.js";

/** One of a user's sessions, as shown on a "where you're signed in" page. Never includes the token. */
export interface SessionInfo {
  /** The session row id: pass it to `revokeSession`. */
  id: string;
  /** When the user signed in. */
  createdAt: Date;
  /** When the session last slid forward (accurate to `session.updateAge`, 1 day by default). */
  lastActiveAt: Date;
  /** When it expires if unused. */
  expires: Date;
  /** Client address at sign-in, if known. */
  ipAddress: string | null;
  /** `User-Agent` at sign-in, if known. */
  userAgent: string | null;
}

type SessionRow = AuthTables["sessions"]["$inferSelect"];
type UserRow = AuthTables["users"]["$inferSelect"];

/**
 * @internal A session as the hot path loads it: with the cookie's token, not the stored hash, and
 * without the columns no request needs (`ipAddress`, `userAgent`: see `list`).
 */
export type ResolvedSessionRow = Pick<
  SessionRow,
  "sessionToken" | "id" | "userId" | "expires" | "createdAt" | "updatedAt"
>;

/** @internal The caller's membership of the session's active organization, read with the session. */
export interface ActiveMembership {
  organizationId: string;
  memberId: string;
  role: string;
}

/** @internal What a session token resolves to. */
export interface SessionAndUser {
  session: ResolvedSessionRow & { activeOrganizationId?: string | null };
  user: UserRow;
  /**
   * With organizations on: the membership of the session's active organization, or null (none
   * set, the organization deleted, or the user no longer a member of it). Absent when off.
   */
  organization?: ActiveMembership | null;
}

/** @internal What {@link SessionStore.resolve} found. */
export interface ResolvedSession extends SessionAndUser {
  /** The new expiry when this call slid the session forward. */
  refreshedTo?: Date;
}

/** @internal Session rows by token hash: the adapter's session methods and the fast path share these. */
export interface SessionStore {
  find(token: string): Promise<SessionAndUser | null>;
  /** Auth.js's rules exactly: expired → deleted and null; due → expiry pushed to now + maxAge. */
  resolve(token: string, settings: { maxAge: number; updateAge: number }): Promise<ResolvedSession | null>;
  /**
   * Inserts a session row; `writes` (what the sign-in still owes, `request/scope.ts`) and `also`
   * (statements built on the same database, such as the sign-in's audit event, which commit with
   * the row or not at all) go in the same round trip ({@link Dialect.withWrites}).
   */
  create(
    data: {
      sessionToken: string;
      userId: string;
      expires: Date;
      ipAddress?: string | null;
      userAgent?: string | null;
    },
    writes?: readonly DeferredWrite[],
    options?: { also?: (q: AnyDatabase, row: { id: string }) => Statement[] },
  ): Promise<SessionRow>;
  update(token: string, expires: Date): Promise<SessionRow | null>;
  delete(token: string): Promise<SessionRow | null>;
  list(userId: string): Promise<SessionInfo[]>;
  revoke(userId: string, sessionId: string): Promise<boolean>;
  revokeOthers(userId: string, keepSessionId: string): Promise<number>;
  revokeAll(userId: string): Promise<number>;
  /**
   * The statement that ends every session of the user but `keep`, for a flow's batch (it returns
   * the ids of the sessions it ended).
   */
  revokeStatement(q: AnyDatabase, userId: string, keep: string | null): RevokeStatement;
  pruneExpired(): Promise<number>;
}

/** @internal A DELETE … RETURNING of session ids, to run inside a flow's batch. */
export type RevokeStatement = PromiseLike<{ id: string }[]>;

/** @internal */
export function createSessionStore(
  db: QueryDatabase,
  tables: Pick<AuthTables, "sessions" | "users"> & Partial<Pick<AuthTables, "members">>,
  dialect: Dialect = dialectOf(db),
  options: { activeMember?: boolean } = {},
): SessionStore {
  const { sessions, users } = tables;
  // Organizations on: the same query also reads the caller's membership of the session's active
  // organization (a LEFT JOIN on the unique (organization, user) index), so requireMember() of
  // the active organization costs no query beyond the session's own, and a removed member's very
  // next request finds no membership.
  const members = options.activeMember ? tables.members : undefined;
  // One indexed point query (unique token hash, then the users primary key), built once. The user
  // row comes back as one json_object column: @libsql/client describes every result column on
  // every call, and that cost, not SQLite, dominated the lookup (bench/RESULTS.md). Every column
  // of the (possibly extended) users table is included, so custom columns such as `role` still
  // reach the callbacks, decoded by each column's own driver mapping.
  const userColumns = Object.entries(getTableColumns(users));
  const userJSON = dialect.jsonObject(userColumns);
  const base = db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      expires: sessions.expires,
      createdAt: sessions.createdAt,
      updatedAt: sessions.updatedAt,
      user: userJSON,
      ...(members && {
        activeOrganizationId: sessions.activeOrganizationId,
        memberId: members.id,
        memberRole: members.role,
      }),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId));
  const joined = members
    ? base.leftJoin(
        members,
        and(eq(members.organizationId, sessions.activeOrganizationId), eq(members.userId, sessions.userId)),
      )
    : base;
  const byHash = dialect.prepareFirst<{
    id: string;
    userId: string;
    expires: Date;
    createdAt: Date;
    updatedAt: Date;
    user: unknown;
    activeOrganizationId?: string | null;
    memberId?: string | null;
    memberRole?: string | null;
  }>(
    joined.where(eq(sessions.sessionToken, sql.placeholder("hash"))).limit(1),
    members ? "tetrastack_session_by_hash_with_member" : "tetrastack_session_by_hash",
  );
  const decodeUser = (json: unknown): UserRow => {
    const raw = dialect.parseJSONObject(json);
    const user: Record<string, unknown> = {};
    for (const [key, column] of userColumns) {
      const value = raw[key];
      user[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return user as UserRow;
  };
  const deleteByHash = dialect.prepareAll<SessionRow>(
    db
      .delete(sessions)
      .where(eq(sessions.sessionToken, sql.placeholder("hash")))
      .returning(),
    "tetrastack_session_delete_by_hash",
  );

  const withToken = (row: SessionRow, token: string): SessionRow => ({ ...row, sessionToken: token });
  const revokeStatement = (q: AnyDatabase, userId: string, keep: string | null): RevokeStatement =>
    q
      .delete(sessions)
      .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId))
      .returning({ id: sessions.id });

  async function find(token: string): Promise<SessionAndUser | null> {
    if (!isRandomToken(token)) return null;
    const row = await byHash({ hash: hashSessionToken(token) });
    if (!row) return null;
    const { user, activeOrganizationId, memberId, memberRole, ...session } = row;
    if (!members) return { session: { ...session, sessionToken: token }, user: decodeUser(user) };
    const organization =
      activeOrganizationId && memberId && memberRole
        ? { organizationId: activeOrganizationId, memberId, role: memberRole }
        : null;
    return {
      session: { ...session, sessionToken: token, activeOrganizationId: organization?.organizationId ?? null },
      user: decodeUser(user),
      organization,
    };
  }

  async function update(token: string, expires: Date): Promise<SessionRow | null> {
    const [row] = await db
      .update(sessions)
      .set({ expires })
      .where(eq(sessions.sessionToken, hashSessionToken(token)))
      .returning();
    return row ? withToken(row, token) : null;
  }

  async function remove(token: string): Promise<SessionRow | null> {
    const [row] = await deleteByHash({ hash: hashSessionToken(token) });
    return row ? withToken(row, token) : null;
  }

  return {
    find,
    update,
    delete: remove,
    async resolve(token, { maxAge, updateAge }) {
      // Mirrors @auth/core lib/actions/session.ts (database branch) so that getSession() and
      // auth() agree on every cookie: same expiry test, same refresh threshold, same new expiry.
      const found = await find(token);
      if (!found) return null;
      if (found.session.expires.valueOf() < Date.now()) {
        await remove(token);
        return null;
      }
      const dueAt = found.session.expires.valueOf() - maxAge * 1000 + updateAge * 1000;
      if (dueAt <= Date.now()) {
        const refreshedTo = new Date(Date.now() + maxAge * 1000);
        await update(token, refreshedTo);
        return { ...found, refreshedTo };
      }
      return found;
    },
    async create(data, writes = [], options) {
      const values = {
        id: uuidv7(),
        sessionToken: hashSessionToken(data.sessionToken),
        userId: data.userId,
        expires: data.expires,
        ipAddress: data.ipAddress ?? null,
        userAgent: data.userAgent ?? null,
      };
      const also = options?.also;
      const [row] = (await dialect.withWrites(
        db,
        (q) => [...writes.map((write) => write.statement(q)), ...(also ? also(q, { id: values.id }) : [])],
        (q) => q.insert(sessions).values(values).returning(),
      )) as SessionRow[];
      if (!row) throw new Error("createSession: the insert returned no row");
      return withToken(row, data.sessionToken);
    },
    async list(userId) {
      if (!dialect.canBeId(userId)) return [];
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), gte(sessions.expires, new Date())))
        .orderBy(sessions.createdAt);
      return rows.map((row) => ({
        id: row.id,
        createdAt: row.createdAt,
        lastActiveAt: row.updatedAt,
        expires: row.expires,
        ipAddress: row.ipAddress,
        userAgent: row.userAgent,
      }));
    },
    async revoke(userId, sessionId) {
      if (!dialect.canBeId(userId) || !dialect.canBeId(sessionId)) return false;
      const deleted = await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
        .returning({ id: sessions.id });
      return deleted.length > 0;
    },
    async revokeOthers(userId, keepSessionId) {
      if (!dialect.canBeId(userId)) return 0;
      // A session id that cannot be one keeps nothing, as it matches no row.
      return (await revokeStatement(db, userId, dialect.canBeId(keepSessionId) ? keepSessionId : null)).length;
    },
    async revokeAll(userId) {
      if (!dialect.canBeId(userId)) return 0;
      return (await revokeStatement(db, userId, null)).length;
    },
    revokeStatement,
    pruneExpired() {
      return deleteInBatches(async (limit) => {
        const expired = db
          .select({ token: sessions.sessionToken })
          .from(sessions)
          .where(lt(sessions.expires, new Date()))
          .limit(limit);
        return dialect.affectedRows(await db.delete(sessions).where(inArray(sessions.sessionToken, expired)));
      });
    },
  };
}

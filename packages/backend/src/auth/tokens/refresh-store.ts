import { and, eq, getTableColumns, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Dialect, QueryDatabase } from "../../database/dialect.js";
import { classifyConstraintError } from "../../database/errors.js";
import { deleteInBatches } from "../../shared/batches.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import { generateSessionToken, hashSessionToken, isRandomToken } from "../session/token.js";
import type { AuthTables } from "../tables.js";
import { sealHandoff } from "./sealing.js";

// Every read and write of the `refresh_tokens` table. The decisions (expired, reused, within
// the grace period) are the refresh feature's; this module makes each step one statement, or one
// batch where several writes must happen together.

type RefreshRow = AuthTables["refreshTokens"]["$inferSelect"];

/** @internal A refresh token row with the expiry of its session (null when the session is gone). */
export interface FoundRefreshToken {
  row: RefreshRow;
  sessionExpires: Date | null;
}

/** @internal What {@link RefreshTokenStore.rotate} did. */
export type Rotation =
  | { won: true; token: string; row: RefreshRow }
  /** Another refresh of the same token consumed it first. */
  | { won: false }
  /** The session ended while this refresh ran. */
  | { won: false; sessionGone: true };

/** @internal */
export interface RefreshTokenStore {
  /** The first token of a session's family. */
  create(data: { userId: string; sessionId: string; expiresAt: Date; familyExpiresAt: Date }): Promise<{
    token: string;
    row: RefreshRow;
  }>;
  /** The row of a token (by its hash) with its session's expiry; null for a malformed or unknown token. */
  find(token: string): Promise<FoundRefreshToken | null>;
  /** The token that replaced `parentId`, if any. */
  successorOf(parentId: string): Promise<RefreshRow | null>;
  /**
   * Consumes `parent` and adds its successor, at most once however many refreshes race: the
   * successor's unique `parent_id` decides the winner. Slides the session's expiry as a use of it.
   */
  rotate(
    parent: RefreshRow,
    parentToken: string,
    data: { expiresAt: Date; now: Date; session: { maxAge: number; updateAge: number } },
  ): Promise<Rotation>;
  /**
   * Ends a family: every token revoked, `reused` marked as the one presented again, the session
   * deleted. Returns whether a session was deleted.
   */
  revokeFamily(familyId: string, now: Date, reused?: string): Promise<boolean>;
  /** Deletes tokens past their expiry or their family's; returns how many. */
  prune(now: Date): Promise<number>;
}

/**
 * @internal The refresh lookup: one point query on the unique `token_hash` index, then the
 * session by its unique id (placeholder `hash`).
 */
export function refreshTokenByHashQuery(db: QueryDatabase, tables: Pick<AuthTables, "refreshTokens" | "sessions">) {
  const { refreshTokens: table, sessions } = tables;
  return db
    .select({ ...getTableColumns(table), sessionExpires: sessions.expires })
    .from(table)
    .leftJoin(sessions, eq(sessions.id, table.sessionId))
    .where(eq(table.tokenHash, sql.placeholder("hash")))
    .limit(1);
}

/** @internal */
export function createRefreshTokenStore(
  db: QueryDatabase,
  tables: Pick<AuthTables, "refreshTokens" | "sessions">,
  dialect: Dialect,
): RefreshTokenStore {
  const { refreshTokens: table, sessions } = tables;
  // One indexed point query (the unique token hash, then the sessions id), built once.
  const byHash = dialect.prepareFirst<RefreshRow & { sessionExpires: Date | null }>(
    refreshTokenByHashQuery(db, tables),
    "tetrastack_refresh_token_by_hash",
  );

  return {
    async create(data) {
      const token = generateSessionToken();
      const [row] = await db
        .insert(table)
        .values({
          tokenHash: hashSessionToken(token),
          userId: data.userId,
          familyId: data.sessionId,
          sessionId: data.sessionId,
          expiresAt: data.expiresAt,
          familyExpiresAt: data.familyExpiresAt,
        })
        .returning();
      if (!row) throw new Error("refresh tokens: the insert returned no row");
      return { token, row };
    },

    async find(token) {
      if (!isRandomToken(token)) return null;
      const found = await byHash({ hash: hashSessionToken(token) });
      if (!found) return null;
      const { sessionExpires, ...row } = found;
      return { row, sessionExpires: sessionExpires ?? null };
    },

    async successorOf(parentId) {
      const [row] = await db.select().from(table).where(eq(table.parentId, parentId)).limit(1);
      return row ?? null;
    },

    async rotate(parent, parentToken, { expiresAt, now, session }) {
      const token = generateSessionToken();
      const id = uuidv7();
      const slideTo = new Date(now.getTime() + session.maxAge * 1000);
      const dueBefore = new Date(now.getTime() + (session.maxAge - session.updateAge) * 1000);
      try {
        const [inserted] = (await dialect.batch(db, (q) => [
          q
            .insert(table)
            .values({
              id,
              tokenHash: hashSessionToken(token),
              userId: parent.userId,
              familyId: parent.familyId,
              sessionId: parent.sessionId,
              parentId: parent.id,
              handoff: sealHandoff(parentToken, token, parent.id),
              expiresAt,
              familyExpiresAt: parent.familyExpiresAt,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing({ target: table.parentId })
            .returning({ id: table.id }),
          q
            .update(table)
            .set({ usedAt: now })
            .where(and(eq(table.id, parent.id), isNull(table.usedAt))),
          // A refresh is a use of the session: it slides as getSession() slides it (Auth.js's
          // updateAge rule), or a client living on refresh tokens would see it expire.
          q
            .update(sessions)
            .set({ expires: slideTo })
            .where(and(eq(sessions.id, parent.sessionId ?? parent.familyId), lt(sessions.expires, dueBefore))),
        ])) as [{ id: string }[], unknown, unknown];
        if (inserted.length === 0) return { won: false };
        const [row] = await db.select().from(table).where(eq(table.id, id)).limit(1);
        if (!row) return { won: false };
        return { won: true, token, row };
      } catch (error) {
        // The session row was deleted between the lookup and this insert (sign-out, revocation).
        if (classifyConstraintError(error)?.kind === "foreign-key") return { won: false, sessionGone: true };
        throw error;
      }
    },

    async revokeFamily(familyId, now, reused) {
      const results = await dialect.batch(db, (q) => [
        q
          .update(table)
          .set({ revokedAt: now })
          .where(and(eq(table.familyId, familyId), isNull(table.revokedAt))),
        ...(reused ? [q.update(table).set({ reuseDetectedAt: now }).where(eq(table.id, reused))] : []),
        q.delete(sessions).where(eq(sessions.id, familyId)).returning({ id: sessions.id }),
      ]);
      return ((results.at(-1) as { id: string }[] | undefined) ?? []).length > 0;
    },

    prune(now) {
      return deleteInBatches(async (limit) => {
        const dead = db
          .select({ id: table.id })
          .from(table)
          .where(or(lt(table.expiresAt, now), lt(table.familyExpiresAt, now)))
          .limit(limit);
        return dialect.affectedRows(await db.delete(table).where(inArray(table.id, dead)));
      });
    },
  };
}

import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { AnyDatabase, Dialect, QueryDatabase, Statement } from "../../database/dialect.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import type { AuditEventInput, AuditLog } from "../audit/log.js";
import type { AuthTables } from "../tables.js";

// Every read and write of the `api_keys` table.

type APIKeyRow = AuthTables["apiKeys"]["$inferSelect"];

/** @internal What verification reads of a key: never its hash. */
export type VerifiedKeyRow = Pick<APIKeyRow, "id" | "userId" | "name" | "scopes" | "expiresAt" | "lastUsedAt">;

/** @internal */
export interface APIKeyStore {
  /** Inserts the key; `also` (its audit event) commits with the row, in the same round trip. */
  create(values: NewAPIKey, also?: (q: AnyDatabase, row: { id: string }) => Statement[]): Promise<APIKeyRow>;
  /** The key with this hash: one indexed point query, prepared once. */
  byHash(hash: string): Promise<VerifiedKeyRow | null>;
  /** Records a use, unless one was recorded within `minInterval` ms (at most one write a minute). */
  touch(id: string, now: Date, minInterval: number): Promise<void>;
  list(userId: string): Promise<APIKeyRow[]>;
  /**
   * Deletes the user's key; the deleted row, or null when it was not theirs. `audit` records the
   * revocation in the same transaction, only when a key was deleted.
   */
  revoke(userId: string, id: string, audit?: { log: AuditLog; event: AuditEventInput }): Promise<APIKeyRow | null>;
}

/** @internal A row to insert. */
export type NewAPIKey = AuthTables["apiKeys"]["$inferInsert"];

/** @internal The verification lookup: one point query on the unique `key_hash` index (placeholder `hash`). */
export function apiKeyByHashQuery(db: QueryDatabase, table: AuthTables["apiKeys"]) {
  return db
    .select({
      id: table.id,
      userId: table.userId,
      name: table.name,
      scopes: table.scopes,
      expiresAt: table.expiresAt,
      lastUsedAt: table.lastUsedAt,
    })
    .from(table)
    .where(eq(table.keyHash, sql.placeholder("hash")))
    .limit(1);
}

/** @internal */
export function createAPIKeyStore(db: QueryDatabase, table: AuthTables["apiKeys"], dialect: Dialect): APIKeyStore {
  const byHash = dialect.prepareFirst<VerifiedKeyRow>(apiKeyByHashQuery(db, table), "tetrastack_api_key_by_hash");
  return {
    async create(values, also) {
      const withId = { ...values, id: values.id ?? uuidv7() };
      const [row] = (await dialect.withWrites(
        db,
        (q) => (also ? also(q, { id: withId.id }) : []),
        (q) => q.insert(table).values(withId).returning(),
        { order: "main-first" },
      )) as APIKeyRow[];
      if (!row) throw new Error("api keys: the insert returned no row");
      return row;
    },
    async byHash(hash) {
      return (await byHash({ hash })) ?? null;
    },
    async touch(id, now, minInterval) {
      // Conditional, so instances that see the same key at once write it once between them.
      await db
        .update(table)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(table.id, id),
            or(isNull(table.lastUsedAt), lt(table.lastUsedAt, new Date(now.getTime() - minInterval))),
          ),
        );
    },
    async list(userId) {
      if (!dialect.canBeId(userId)) return [];
      return db.select().from(table).where(eq(table.userId, userId)).orderBy(desc(table.createdAt), desc(table.id));
    },
    async revoke(userId, id, audit) {
      if (!dialect.canBeId(userId) || !dialect.canBeId(id)) return null;
      const theirs = and(eq(table.userId, userId), eq(table.id, id));
      if (!audit) {
        const [row] = await db.delete(table).where(theirs).returning();
        return row ?? null;
      }
      // The guard records the event only if the key is theirs; the DELETE carries its condition.
      const [, deleted] = (await dialect.batch(db, (q) => {
        const guard = audit.log.guard(q, audit.event, { table, where: theirs });
        return [guard.statement, q.delete(table).where(and(theirs, guard.recorded)).returning()];
      })) as [unknown, APIKeyRow[]];
      return deleted[0] ?? null;
    },
  };
}

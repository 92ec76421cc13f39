import { and, eq, inArray, lt, type SQL } from "drizzle-orm";
import {
  type AnyDatabase,
  type Dialect,
  dialectOf,
  insertWhere,
  type QueryDatabase,
  type RowSource,
  type Statement,
  whenExists,
} from "../../database/dialect.js";
import type { TokenPurpose } from "../../database/tables.js";
import { TokenError } from "../../shared/errors.js";
import { generateSessionToken, hashSessionToken, isRandomToken } from "../session/token.js";
import type { AuthTables } from "../tables.js";

/** @internal A verification_tokens row. */
export type TokenRow = AuthTables["verificationTokens"]["$inferSelect"];

/** @internal A token just issued: the secret for the link, and when it stops working. */
export interface IssuedToken {
  token: string;
  expires: Date;
}

/** @internal One mechanism for every one-time link: random token out, its SHA-256 stored. */
export interface TokenStore {
  /**
   * Stores a new token's hash for `purpose`. For a purpose bound to a user (all but sign-in), the
   * user's earlier tokens of that purpose are deleted in the same batch: only the latest link works.
   */
  issue(input: {
    purpose: TokenPurpose;
    identifier: string;
    userId: string | null;
    expiresIn: number;
  }): Promise<IssuedToken>;
  /**
   * Consumes a token in one `DELETE … RETURNING`: of two concurrent calls, exactly one gets the
   * row. Only a token of this `purpose` (and of `userId`, when given) matches, so a token for
   * another purpose or user is left alone. Throws TokenError: `TOKEN_INVALID` when nothing
   * matched, `TOKEN_EXPIRED` when the row was past its expiry (it is gone either way).
   */
  consume(token: string, purpose: TokenPurpose, binding?: { userId?: string | null | undefined }): Promise<TokenRow>;
  /**
   * The row of a live token of `purpose`, without consuming it (a page that shows what a link is
   * for before a button acts on it). Throws TokenError as `consume` does; an expired row is left
   * for `prune`.
   */
  find(token: string, purpose: TokenPurpose): Promise<TokenRow>;
  /**
   * The statements that issue a token bound to `identifier` (not to a user) inside a flow's own
   * batch, replacing that identifier's earlier tokens of `purpose`: only the latest link works.
   */
  issueStatements(
    q: AnyDatabase,
    input: { purpose: TokenPurpose; identifier: string; expiresIn: number; when?: RowSource | undefined },
  ): { issued: IssuedToken; statements: Statement[] };
  /** The statement that deletes every token of `purpose` whose identifier `identifiers` selects. */
  removeStatement(q: AnyDatabase, purpose: TokenPurpose, identifiers: SQL): Statement;
  /** Puts a consumed row back, when the flow it was consumed for refused to go on. */
  restore(row: TokenRow): Promise<void>;
  /** Auth.js adapter `createVerificationToken`: `token` is already hashed by Auth.js. */
  createSignIn(data: { identifier: string; token: string; expires: Date }): Promise<void>;
  /** Auth.js adapter `useVerificationToken`: consumes a sign-in token by hash, atomically. */
  useSignIn(data: { identifier?: string | undefined; token: string }): Promise<TokenRow | null>;
  /** Deletes expired tokens; returns how many. */
  prune(): Promise<number>;
}

/** @internal */
export function invalidToken(cause?: unknown): TokenError {
  return new TokenError("This link is invalid or has already been used.", { code: "TOKEN_INVALID", cause });
}

/** @internal */
export function createTokenStore(
  db: QueryDatabase,
  table: AuthTables["verificationTokens"],
  dialect: Dialect = dialectOf(db),
): TokenStore {
  const remove = async (where: SQL | undefined): Promise<TokenRow | null> => {
    const [row] = await db.delete(table).where(where).returning();
    return row ?? null;
  };

  return {
    async issue({ purpose, identifier, userId, expiresIn }) {
      const token = generateSessionToken();
      const expires = new Date(Date.now() + expiresIn * 1000);
      const row = { identifier, token: hashSessionToken(token), expires, purpose, userId };
      if (userId && purpose !== "sign-in") {
        // One round trip: the delete cannot see the new row (a batch runs it first; PostgreSQL
        // runs both in one statement, on one snapshot).
        await dialect.withWrites(
          db,
          (q) => [q.delete(table).where(and(eq(table.userId, userId), eq(table.purpose, purpose)))],
          (q) => q.insert(table).values(row),
        );
      } else {
        await db.insert(table).values(row);
      }
      return { token, expires };
    },
    async consume(token, purpose, binding) {
      if (!isRandomToken(token)) throw invalidToken();
      const conditions = [eq(table.token, hashSessionToken(token)), eq(table.purpose, purpose)];
      if (binding?.userId) conditions.push(eq(table.userId, binding.userId));
      const row = await remove(and(...conditions));
      if (!row) throw invalidToken();
      if (row.expires.getTime() <= Date.now()) {
        throw new TokenError("This link has expired; ask for a new one.", { code: "TOKEN_EXPIRED" });
      }
      return row;
    },
    async find(token, purpose) {
      if (!isRandomToken(token)) throw invalidToken();
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.token, hashSessionToken(token)), eq(table.purpose, purpose)))
        .limit(1);
      if (!row) throw invalidToken();
      if (row.expires.getTime() <= Date.now()) {
        throw new TokenError("This link has expired; ask for a new one.", { code: "TOKEN_EXPIRED" });
      }
      return row;
    },
    issueStatements(q, { purpose, identifier, expiresIn, when }) {
      const token = generateSessionToken();
      const expires = new Date(Date.now() + expiresIn * 1000);
      const row = { identifier, token: hashSessionToken(token), expires, purpose, userId: null };
      const statements: Statement[] = [
        q
          .delete(table)
          .where(and(eq(table.identifier, identifier), eq(table.purpose, purpose), when && whenExists(when))),
        // Only when the flow's own condition holds (its audit guard): INSERT … SELECT.
        when ? insertWhere(q, dialect, table, row, when) : q.insert(table).values(row),
      ];
      return { issued: { token, expires }, statements };
    },
    removeStatement(q, purpose, identifiers) {
      return q.delete(table).where(and(eq(table.purpose, purpose), inArray(table.identifier, identifiers)));
    },
    async restore(row) {
      await db.insert(table).values(row).onConflictDoNothing();
    },
    async createSignIn({ identifier, token, expires }) {
      await db.insert(table).values({ identifier, token, expires, purpose: "sign-in" });
    },
    async useSignIn({ identifier, token }) {
      const conditions = [eq(table.token, token), eq(table.purpose, "sign-in" as const)];
      if (identifier) conditions.push(eq(table.identifier, identifier));
      return remove(and(...conditions));
    },
    async prune() {
      const deleted = await db.delete(table).where(lt(table.expires, new Date())).returning({ id: table.id });
      return deleted.length;
    },
  };
}

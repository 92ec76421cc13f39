import { and, eq, type SQL } from "drizzle-orm";
import {
  type AnyDatabase,
  type Dialect,
  dialectOf,
  type QueryDatabase,
  type Statement,
} from "../../database/dialect.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import type { AuthTables } from "../tables.js";

/**
 * @internal Matches a user's credentials account row. The unary `+` keeps SQLite from using the
 * `(provider, provider_account_id)` index for `provider = 'credentials'`, which matches every
 * password user and made sign-in scan them all (274 ms at 1 M users); the lookup then goes
 * through `user_id`, one row per user.
 */
export function credentialsAccountOf(
  accounts: AuthTables["accounts"],
  userId: unknown,
  dialect: Dialect = dialectOf(undefined),
): SQL {
  return and(
    eq(accounts.userId, userId as never),
    dialect.unindexedEquals(accounts.provider, CREDENTIALS_PROVIDER_ID),
  ) as SQL;
}

/** @internal A user's password hash, where it lives: the one `accounts` row with provider "credentials". */
export interface CredentialsRows {
  /** The user's credentials row, when they have a password. */
  find(userId: string): Promise<{ id: string; passwordHash: string } | null>;
  /**
   * The statement that gives the user this password hash, creating the row or replacing the
   * hash (for a flow's batch, built on `q`: the database or the batch's transaction).
   */
  set(q: AnyDatabase, userId: string, passwordHash: string): Statement;
}

function insertStatement(q: AnyDatabase, accounts: AuthTables["accounts"], userId: string, passwordHash: string) {
  return q
    .insert(accounts)
    .values({ userId, type: "credentials", provider: CREDENTIALS_PROVIDER_ID, providerAccountId: userId, passwordHash })
    .onConflictDoUpdate({ target: [accounts.provider, accounts.providerAccountId], set: { passwordHash } });
}

/** @internal */
export function createCredentialsRows(
  db: QueryDatabase,
  accounts: AuthTables["accounts"],
  dialect: Dialect,
): CredentialsRows {
  return {
    async find(userId) {
      const [row] = await db
        .select({ id: accounts.id, passwordHash: accounts.passwordHash })
        .from(accounts)
        .where(credentialsAccountOf(accounts, userId, dialect))
        .limit(1);
      return row?.passwordHash ? { id: row.id, passwordHash: row.passwordHash } : null;
    },
    set: (q, userId, passwordHash) => insertStatement(q, accounts, userId, passwordHash),
  };
}

import { and, eq, getTableColumns, isNull, type SQL, sql } from "drizzle-orm";
import type { Dialect, QueryDatabase } from "../../database/dialect.js";
import type { SideRead } from "../../shared/rate-limit.js";
import type { AuthTables, AuthUser } from "../tables.js";

/** @internal The one way `/auth` loads a user: by id, (normalised) email or linked account, one indexed query each. */
export interface UserLookup {
  byId(id: string): Promise<AuthUser | null>;
  /** `email` must already be normalised (`normalizeEmail`): the column holds normalised addresses. */
  byEmail(email: string): Promise<AuthUser | null>;
  /** The user an OAuth/OIDC identity is linked to. */
  byAccount(provider: string, providerAccountId: string): Promise<AuthUser | null>;
  /** Records that the user's address is proven (now), unless it already was. */
  markVerified(id: string): Promise<void>;
  /**
   * The users row as one JSON object column (every column of the possibly extended table, by
   * property name): for queries that load a user beside something else in one round trip.
   */
  readonly json: SQL;
  /** A {@link UserLookup.json} value (text or parsed) as the row, each column decoded by its own mapping. */
  decode(value: unknown): AuthUser;
  /** {@link UserLookup.byEmail} as a read to send with a rate-limit count (`limiter.attempt`). */
  byEmailRead(email: string): SideRead;
}

/** @internal */
export function createUserLookup(
  db: QueryDatabase,
  tables: Pick<AuthTables, "users" | "accounts">,
  dialect: Dialect,
): UserLookup {
  const { users, accounts } = tables;
  const byId = dialect.prepareFirst<AuthUser>(
    db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .limit(1),
    "tetrastack_user_by_id",
  );
  const byEmail = dialect.prepareFirst<AuthUser>(
    db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder("email")))
      .limit(1),
    "tetrastack_user_by_email",
  );
  const byAccount = dialect.prepareFirst<{ user: AuthUser }>(
    db
      .select({ user: users })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(
        and(
          eq(accounts.provider, sql.placeholder("provider")),
          eq(accounts.providerAccountId, sql.placeholder("providerAccountId")),
        ),
      )
      .limit(1),
    "tetrastack_user_by_account",
  );
  const columns = Object.entries(getTableColumns(users));
  const json = dialect.jsonObject(columns);
  const decode = (value: unknown): AuthUser => {
    const raw = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
    const user: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const field = raw[key];
      user[key] = field === null || field === undefined ? null : column.mapFromDriverValue(field);
    }
    return user as AuthUser;
  };
  return {
    json,
    decode,
    byEmailRead(email) {
      return {
        statement: (q) => q.select({ value: json }).from(users).where(eq(users.email, email)).limit(1),
        decode,
        run: async () => (await byEmail({ email })) ?? null,
      };
    },
    async byId(id) {
      return (await byId({ id })) ?? null;
    },
    async byEmail(email) {
      return (await byEmail({ email })) ?? null;
    },
    async byAccount(provider, providerAccountId) {
      return (await byAccount({ provider, providerAccountId }))?.user ?? null;
    },
    async markVerified(id) {
      await db
        .update(users)
        .set({ emailVerified: new Date() })
        .where(and(eq(users.id, id), isNull(users.emailVerified)));
    },
  };
}

import { and, eq, isNull, sql } from "drizzle-orm";
import type { Dialect, QueryDatabase } from "../../database/dialect.js";
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
  return {
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

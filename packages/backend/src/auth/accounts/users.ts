import { and, eq, sql } from "drizzle-orm";
import type { AuthDatabase, AuthTables, AuthUser } from "../tables.js";

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
export function createUserLookup(db: AuthDatabase, tables: Pick<AuthTables, "users" | "accounts">): UserLookup {
  const { users, accounts } = tables;
  const byId = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1)
    .prepare();
  const byEmail = db
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder("email")))
    .limit(1)
    .prepare();
  const byAccount = db
    .select({ user: users })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.userId))
    .where(
      and(
        eq(accounts.provider, sql.placeholder("provider")),
        eq(accounts.providerAccountId, sql.placeholder("providerAccountId")),
      ),
    )
    .limit(1)
    .prepare();
  return {
    async byId(id) {
      return ((await byId.get({ id })) as AuthUser | undefined) ?? null;
    },
    async byEmail(email) {
      return ((await byEmail.get({ email })) as AuthUser | undefined) ?? null;
    },
    async byAccount(provider, providerAccountId) {
      const row = (await byAccount.get({ provider, providerAccountId })) as { user: AuthUser } | undefined;
      return row?.user ?? null;
    },
    async markVerified(id) {
      await db
        .update(users)
        .set({ emailVerified: new Date() })
        .where(and(eq(users.id, id), sql`${users.emailVerified} IS NULL`));
    },
  };
}

import { and, eq, type SQL, sql } from "drizzle-orm";
import { CREDENTIALS_PROVIDER_ID } from "./auth-config.js";
import type { AuthTables } from "./options.js";

/**
 * @internal Matches a user's credentials account row. The unary `+` keeps SQLite from using the
 * `(provider, provider_account_id)` index for `provider = 'credentials'`, which matches every
 * password user and made sign-in scan them all (274 ms at 1 M users); the lookup then goes
 * through `user_id`, one row per user.
 */
export function credentialsAccountOf(accounts: AuthTables["accounts"], userId: unknown): SQL {
  return and(eq(accounts.userId, userId as never), sql`+${accounts.provider} = ${CREDENTIALS_PROVIDER_ID}`) as SQL;
}

import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { QueryDatabase } from "../../database/dialect.js";
import { normalizeEmail } from "../accounts/email.js";
import type { AuditLog } from "../audit/log.js";
import { createTokenStore, type TokenStore } from "../links/token-store.js";
import { currentRequestMeta, storableIP, takeDeferredWrites } from "../request/scope.js";
import type { ResolvedSessionRow, SessionStore } from "../session/store.js";
import type { AuthTables } from "../tables.js";

function normalizeUserEmail<T extends { email?: string | null }>(user: T): T {
  return typeof user.email === "string" && user.email ? { ...user, email: normalizeEmail(user.email) } : user;
}

/**
 * The Drizzle adapter with three changes: session tokens are hashed (SHA-256) before they touch
 * the database, so the cookie's token is never stored; every email is normalised on the way in,
 * so OAuth and email sign-in find the same user as credentials do; and verification tokens go
 * through the package's token store, as `sign-in` tokens that no other flow accepts.
 *
 * @internal Built by `createAuth`; exported for tests and advanced setups.
 */
export function createAuthAdapter(
  db: QueryDatabase,
  tables: AuthTables,
  store: SessionStore,
  tokens: TokenStore = createTokenStore(db, tables.verificationTokens),
  audit?: AuditLog,
): Adapter {
  const base = DrizzleAdapter(db, {
    usersTable: tables.users,
    accountsTable: tables.accounts,
    sessionsTable: tables.sessions,
    verificationTokensTable: tables.verificationTokens,
    authenticatorsTable: tables.authenticators,
    // The adapter's structural table types predate our extra columns and unions; the columns it
    // addresses (Auth.js property names) are all present.
  } as never) as Required<Adapter>;

  const toAdapterSession = (row: ResolvedSessionRow): AdapterSession => row;

  return {
    ...base,
    createUser(user) {
      // An OAuth provider that does not vouch for the address must not put it on a new user: the
      // user would block the address's owner from registering, or be captured by their later proof.
      if (currentRequestMeta()?.oauthEmailVouched === false) {
        return base.createUser({ ...user, email: null as never, emailVerified: null });
      }
      return base.createUser(normalizeUserEmail(user));
    },
    getUserByEmail: (email) => base.getUserByEmail(normalizeEmail(email)),
    updateUser: (user) => base.updateUser(normalizeUserEmail(user)),
    async createSession({ sessionToken, userId, expires }) {
      const meta = currentRequestMeta();
      const row = await store.create(
        {
          sessionToken,
          userId,
          expires,
          ipAddress: storableIP(meta?.ip),
          userAgent: meta?.userAgent ?? null,
        },
        // The credentials sign-in's lockout reset rides along with its session row.
        takeDeferredWrites(),
        audit
          ? {
              // Every sign-in through Auth.js (credentials, OAuth, email link) ends here: its audit event
              // commits with the session row.
              also: (q, session) => [
                audit.insert(q, {
                  action: "user.signed_in",
                  actorId: userId,
                  userId,
                  target: { type: "session", id: session.id },
                  details: meta?.signInProvider ? { provider: meta.signInProvider } : null,
                }),
              ],
            }
          : undefined,
      );
      return toAdapterSession(row);
    },
    async getSessionAndUser(sessionToken) {
      const found = await store.find(sessionToken);
      return found ? { session: toAdapterSession(found.session), user: found.user as AdapterUser } : null;
    },
    async updateSession({ sessionToken, expires }) {
      if (!expires) return null;
      const row = await store.update(sessionToken, expires);
      return row ? toAdapterSession(row) : null;
    },
    async deleteSession(sessionToken) {
      const row = await store.delete(sessionToken);
      return row ? toAdapterSession(row) : null;
    },
    async createVerificationToken(data) {
      await tokens.createSignIn(data);
      return data;
    },
    async useVerificationToken({ identifier, token }) {
      const row = await tokens.useSignIn({ identifier, token });
      return row ? { identifier: row.identifier, token: row.token, expires: row.expires } : null;
    },
  };
}

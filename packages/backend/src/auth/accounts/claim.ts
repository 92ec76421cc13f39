import { and, eq, isNull, ne, type SQL } from "drizzle-orm";
import type { AnyDatabase, Statement } from "../../database/dialect.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import type { AuthTables } from "../tables.js";

/**
 * @internal What a proof of the address itself created or demonstrated, and so keeps: everything
 * else on the account was made by someone who never proved the address.
 */
export interface ClaimKeep {
  /** The prover's own session: the proof came from a browser signed in as the user. */
  sessionId?: string | null | undefined;
  /** The prover demonstrated the account's password (signed in with it, or typed it now). */
  credentials?: boolean | undefined;
}

/**
 * @internal A table that holds a way into an account (a password, a linked identity, a passkey,
 * a session, a pending link…). A new capability that attaches such rows to a user registers one,
 * and every proof of an address removes them in the same transaction as the proof.
 */
export interface AccessPath {
  /** For logs and tests. */
  name: string;
  /** The statement, built on `q` (the database or the batch's transaction), that removes the user's rows except what `keep` names. */
  remove(q: AnyDatabase, userId: string, keep: ClaimKeep): Statement;
}

/** @internal The pre-account-takeover rule, applied the same way by every flow that proves an address. */
export interface AccountClaim {
  /** Adds a table holding ways into an account (for capabilities added later). */
  register(path: AccessPath): void;
  /** The registered paths, in order. */
  paths(): readonly AccessPath[];
  /**
   * The statements that hand an unverified account to whoever just proved its address: every
   * access path's rows of the user except what the proof keeps are deleted, and the email is
   * marked verified. Run them in one batch with the flow's own writes (one transaction).
   */
  statements(q: AnyDatabase, userId: string, keep: ClaimKeep): Statement[];
}

/**
 * @internal The claim over the package's own tables: credentials and OAuth accounts, passkeys,
 * sessions and pending one-time tokens (email change, deletion, reset, verification).
 *
 * Why: anybody can register someone else's address while it is unverified. If the real owner's
 * later proof (a vouching OAuth sign-in, a reset link, a sign-in link, a verification link) left
 * the squatter's password, linked identity, session or pending email change in place, the
 * squatter would keep a way back into what is now the owner's verified account.
 */
export function createAccountClaim(
  tables: Pick<AuthTables, "users" | "accounts" | "sessions" | "authenticators" | "verificationTokens">,
): AccountClaim {
  const { users, accounts, sessions, authenticators, verificationTokens } = tables;
  const registered: AccessPath[] = [
    {
      name: "accounts",
      remove: (q, userId, keep) =>
        q
          .delete(accounts)
          .where(
            and(
              eq(accounts.userId, userId),
              keep.credentials ? ne(accounts.provider, CREDENTIALS_PROVIDER_ID) : undefined,
            ) as SQL,
          ),
    },
    {
      name: "authenticators",
      remove: (q, userId) => q.delete(authenticators).where(eq(authenticators.userId, userId)),
    },
    {
      name: "sessions",
      remove: (q, userId, keep) =>
        q
          .delete(sessions)
          .where(and(eq(sessions.userId, userId), keep.sessionId ? ne(sessions.id, keep.sessionId) : undefined) as SQL),
    },
    {
      name: "verificationTokens",
      remove: (q, userId) => q.delete(verificationTokens).where(eq(verificationTokens.userId, userId)),
    },
  ];
  return {
    register(path) {
      registered.push(path);
    },
    paths: () => registered,
    statements(q, userId, keep) {
      return [
        ...registered.map((path) => path.remove(q, userId, keep)),
        q
          .update(users)
          .set({ emailVerified: new Date() })
          .where(and(eq(users.id, userId), isNull(users.emailVerified))),
      ];
    },
  };
}

import type { ActiveMembership, SessionAndUser, SessionStore } from "./store.js";
import type { AuthSession } from "./types.js";

/** @internal A database session token, resolved. */
export interface ResolvedToken {
  session: AuthSession;
  /** When the user signed in: the row's creation. */
  signedInAt: Date;
  /** The new expiry, when this lookup slid the session forward (the cookie should follow). */
  refreshedTo?: Date | undefined;
  /** The rows behind it (the JSON API answers with more of the user than `AuthSession` has). */
  record: SessionAndUser;
  /** With organizations on: the membership of the session's active organization. */
  organization?: ActiveMembership | null | undefined;
}

/**
 * @internal Database strategy: a session token to the session `auth()` would return, in one
 * indexed query, with Auth.js's expiry and sliding-refresh rules (`SessionStore.resolve`) and the
 * composed session callback (`toSession`, from `authjs/`).
 */
export function createTokenResolver(
  store: SessionStore,
  ages: { maxAge: number; updateAge: number },
  toSession: (found: SessionAndUser) => Promise<AuthSession>,
): (token: string | undefined) => Promise<ResolvedToken | null> {
  return async (token) => {
    if (!token) return null;
    const found = await store.resolve(token, ages);
    if (!found) return null;
    return {
      session: await toSession(found),
      signedInAt: found.session.createdAt,
      refreshedTo: found.refreshedTo,
      record: found,
      organization: found.organization,
    };
  };
}

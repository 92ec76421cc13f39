import type { ActiveMembership } from "./store.js";

/** The session every `/auth` entry point returns: `auth()`, `getSession()`, `/api/auth/session`. */
export interface AuthSession {
  user: {
    /** The user's id: always present. */
    id: string;
    /** Display name, if any. */
    name: string | null;
    /** The normalised (lower-case) email, if any. */
    email: string | null;
    /** Avatar URL, if any. */
    image: string | null;
    /** Present when your users table has a `role` column (or your JWT carries one). */
    role?: unknown;
  };
  /** When the session expires if unused (ISO 8601), as Auth.js reports it. */
  expires: string;
  /** The `sessions` row id (database strategy): pass it to `revokeOtherSessions`. Not a secret. */
  sessionId?: string;
  /**
   * With organizations on: the session's active organization (`setActiveOrganization`), or null
   * when there is none or the user is no longer a member of it.
   */
  activeOrganizationId?: string | null;
}

/** @internal The current request's session, with what the flows need beyond what `auth()` returns. */
export interface CurrentSession {
  session: AuthSession;
  /** When the user signed in (the session row's creation, or the JWT's sign-in time). */
  signedInAt: Date;
  /** With organizations on: the membership of the active organization, read with the session. */
  organization?: ActiveMembership | null | undefined;
}

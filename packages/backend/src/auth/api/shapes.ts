import type { AuthSession } from "../session/types.js";
import type { AuthUser } from "../tables.js";

// better-auth's `User` and `Session` objects, as its client and better-auth-compatible servers
// read them: ISO dates, a boolean `emailVerified`.

/** @internal better-auth's user object. */
export interface WireUser {
  id: string;
  /** better-auth's users always have a name; an account without one says `""`. */
  name: string;
  email: string | null;
  emailVerified: boolean;
  image: string | null;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/**
 * @internal better-auth's session object. `token` is the session's id, never its secret: this
 * package stores only a hash of the token, and `revoke-session` accepts the id.
 */
export interface WireSession {
  id: string;
  token: string;
  userId: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
}

const iso = (value: Date | null | undefined): string => (value instanceof Date ? value : new Date(0)).toISOString();

/** @internal A users row as better-auth answers it. */
export function wireUser(row: AuthUser): WireUser {
  return {
    id: row.id,
    name: row.name ?? "",
    email: row.email,
    emailVerified: row.emailVerified !== null && row.emailVerified !== undefined,
    image: row.image,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * @internal The user of a resolved session: what the session callback let through (your
 * callback may add fields such as `role`, or leave some out), with the row's verification and dates.
 */
export function wireSessionUser(view: AuthSession["user"] | undefined, row: AuthUser): WireUser {
  const { id, name, email, image, ...extra } = (view ?? {}) as Partial<AuthSession["user"]>;
  return {
    ...extra,
    id: typeof id === "string" ? id : row.id,
    name: typeof name === "string" ? name : "",
    email: typeof email === "string" ? email : null,
    emailVerified: row.emailVerified !== null && row.emailVerified !== undefined,
    image: typeof image === "string" ? image : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** @internal A session row as better-auth answers it. */
export function wireSession(row: {
  id: string;
  userId: string;
  expires: Date;
  createdAt: Date;
  updatedAt: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
}): WireSession {
  return {
    id: row.id,
    token: row.id,
    userId: row.userId,
    expiresAt: iso(row.expires),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    ...(row.ipAddress !== undefined && { ipAddress: row.ipAddress }),
    ...(row.userAgent !== undefined && { userAgent: row.userAgent }),
  };
}

import type { NextAuthConfig } from "next-auth";
import { CREDENTIALS_SESSION_USER } from "../constants.js";
import type { AuthSession } from "../session/types.js";
import type { AuthCallbacks, AuthEvents } from "./types.js";

type Params<K extends keyof AuthCallbacks> = Parameters<NonNullable<AuthCallbacks[K]>>[0];
type Row = Record<string, unknown>;

function toISO(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * @internal The library's part of the session callback: `user.id` always, `user.role` when the
 * user row (database) or the token (JWT) has one, and the session row id.
 */
export function librarySession(params: { session: Row; user?: Row; token?: Row }): AuthSession {
  const { session, user, token } = params;
  if (user) {
    return {
      user: {
        id: String(user.id),
        name: stringOrNull(user.name),
        email: stringOrNull(user.email),
        image: stringOrNull(user.image),
        ...(user.role !== undefined && { role: user.role }),
      },
      expires: toISO(session.expires),
      ...(typeof session.id === "string" && { sessionId: session.id }),
      // Present only with organizations on (the session lookup then reads it).
      ...(session.activeOrganizationId !== undefined && {
        activeOrganizationId: stringOrNull(session.activeOrganizationId),
      }),
    };
  }
  const jwt = token ?? {};
  return {
    user: {
      id: String(jwt.sub ?? ""),
      name: stringOrNull(jwt.name),
      email: stringOrNull(jwt.email),
      image: stringOrNull(jwt.picture),
      ...(jwt.role !== undefined && { role: jwt.role }),
    },
    expires: toISO(session.expires),
  };
}

/** @internal What `createAuth` adds to the composed callbacks. */
export interface LibraryHooks {
  /** Runs after your signIn callback allowed the sign-in; may still refuse or redirect. */
  signIn?: (params: Params<"signIn">) => Promise<boolean | string>;
  /** Mark credentials sign-ins so that `jwt.encode` creates a database session for them. */
  markCredentialsSessions?: string;
  /**
   * JWT strategy: whether the token's user still exists, asked on every read of the session, so
   * that a copied cookie of a deleted user stops working at once (a primary-key lookup).
   */
  userExists?: (userId: string) => Promise<boolean>;
}

/**
 * @internal Your callbacks composed with the library's: yours see the library's result and cannot
 * silently drop what the library guarantees (`session.user.id`, the credentials session marker).
 */
export function composeCallbacks(consumer: AuthCallbacks | undefined, hooks: LibraryHooks = {}): AuthCallbacks {
  const callbacks: AuthCallbacks = {
    async signIn(params) {
      const allowed = consumer?.signIn ? await consumer.signIn(params) : true;
      if (allowed !== true) return allowed;
      return hooks.signIn ? hooks.signIn(params) : true;
    },
    async jwt(params) {
      const { token, user, account } = params;
      if (user) {
        token.sub = String(user.id ?? token.sub);
        const role = (user as Row).role;
        if (role !== undefined) token.role = role;
        // When the user proved who they are: requireFreshSession's clock under the JWT strategy.
        token.authTime = Math.floor(Date.now() / 1000);
      } else if (hooks.userExists && typeof token.sub === "string" && !(await hooks.userExists(token.sub))) {
        return null; // Auth.js then ends the session and clears the cookie.
      }
      const result = consumer?.jwt ? await consumer.jwt(params) : token;
      if (result && user?.id && hooks.markCredentialsSessions && account?.provider === hooks.markCredentialsSessions) {
        result[CREDENTIALS_SESSION_USER] = String(user.id);
      }
      return result;
    },
    async session(params) {
      const base = librarySession(params as unknown as { session: Row; user?: Row; token?: Row });
      if (!consumer?.session) return base as never;
      const result = (await consumer.session({ ...params, session: base } as never)) as unknown as Row | null;
      const user = result?.user as Row | undefined;
      if (result && user && typeof user === "object" && !user.id) {
        result.user = { ...user, id: base.user.id };
      }
      return result as never;
    },
  };
  if (consumer?.redirect) callbacks.redirect = consumer.redirect;
  if (consumer?.authorized) callbacks.authorized = consumer.authorized;
  return callbacks;
}

/** @internal Events: the library's first, then yours (yours run even if the library's throws). */
export function composeEvents(library: AuthEvents, consumer: AuthEvents | undefined): AuthEvents {
  const names = new Set([...Object.keys(library), ...Object.keys(consumer ?? {})]) as Set<keyof AuthEvents>;
  const events: Record<string, (message: never) => Promise<void>> = {};
  for (const name of names) {
    const mine = library[name] as ((message: never) => unknown) | undefined;
    const theirs = consumer?.[name] as ((message: never) => unknown) | undefined;
    events[name] = async (message) => {
      try {
        await mine?.(message);
      } finally {
        await theirs?.(message);
      }
    };
  }
  return events as AuthEvents;
}

/** @internal The pieces of a NextAuthConfig that the edge config and createAuth share. */
export type SharedConfig = Pick<
  NextAuthConfig,
  "secret" | "basePath" | "trustHost" | "useSecureCookies" | "pages" | "cookies" | "logger" | "debug" | "theme"
>;

import { and, eq, ne } from "drizzle-orm";
import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { StaleSessionError, UnauthorizedError } from "../../shared/errors.js";
import type { AuthContext } from "../context.js";
import type { SessionInfo } from "../session/store.js";
import type { AuthSession } from "../session/types.js";

/** Options of `requireUser()` and `requireFreshSession()`. */
export interface RequireUserOptions {
  /**
   * Redirect here instead of throwing.
   * @default the `redirectUnauthenticatedTo` option, else throw
   */
  redirectTo?: string;
}

/** The session helpers `createAuth` adds to NextAuth's own result. */
export interface SessionMethods {
  /**
   * The current session in a Server Component, Server Action or Route Handler, or null. Database
   * strategy: reads the cookie and resolves it with one indexed query, applying Auth.js's expiry
   * and sliding-refresh rules, so it returns exactly what `auth()` returns (at a fraction of the
   * cost). JWT strategy: `auth()`.
   */
  getSession(): Promise<AuthSession | null>;
  /** {@link SessionMethods.getSession} for a `Request` (route handlers, tests): reads its `Cookie` header. */
  getSessionFromRequest(request: Request): Promise<AuthSession | null>;
  /**
   * {@link SessionMethods.getSession} for a raw session token, such as a mobile client's
   * `Authorization: Bearer <token>`: the same lookup, expiry, sliding refresh and revocation.
   * Database strategy only (a JWT session has no token row); null for anything else.
   */
  getSessionFromToken(token: string): Promise<AuthSession | null>;
  /** The session, or a redirect/`UnauthorizedError` (401) when there is none. */
  requireUser(options?: RequireUserOptions): Promise<AuthSession>;
  /**
   * Like `requireUser`, but the user must have signed in within `maxAgeSeconds` (default
   * `session.freshAge`, 10 minutes); otherwise a redirect or `StaleSessionError` (401).
   */
  requireFreshSession(maxAgeSeconds?: number, options?: RequireUserOptions): Promise<AuthSession>;
  /** The user's live sessions, oldest first (database strategy). */
  listSessions(userId: string): Promise<SessionInfo[]>;
  /** Ends one of the user's sessions at once; false if it was not theirs or is gone. */
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
  /** Ends every session of the user except `currentSessionId` (`session.sessionId`); returns how many. */
  revokeOtherSessions(userId: string, currentSessionId: string): Promise<number>;
  /** Ends every session of the user; returns how many. */
  revokeAllSessions(userId: string): Promise<number>;
  /**
   * Deletes expired sessions, dead rate-limit rows, expired link tokens, expired refresh tokens,
   * retired signing keys and audit events past `audit.retention`; run it from a cron job.
   */
  prune(): Promise<{
    sessions: number;
    rateLimits: number;
    verificationTokens: number;
    refreshTokens: number;
    signingKeys: number;
    auditEvents: number;
  }>;
  /**
   * The client address of the current request as the rate limits see it (`rateLimit.clientIP`):
   * an IP, `"unknown"` when the request's address cannot be trusted, or null outside a request.
   * Pass it to limits of your own, such as `createUploadURL({ …, ip })`.
   */
  getClientIP(): Promise<string | null>;
}

/** A row id as this package makes them: a short string (UUIDs; anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

/** @internal Reading, requiring, listing and ending sessions. */
export function sessionHelpers(ctx: AuthContext): SessionMethods {
  const { sessions, sessionAccess } = ctx;

  /**
   * Ends sessions of `userId` (one, or all but `keep`) with a `session.revoked` event in the same
   * transaction, written only when a session ended; returns how many ended.
   */
  async function revokeAudited(
    userId: string,
    which: { sessionId: string } | { keep: string | null },
    scope: "one" | "others" | "all",
  ): Promise<number> {
    const table = ctx.tables.sessions;
    const caller = await ctx.caller.flow();
    const where =
      "sessionId" in which
        ? and(eq(table.userId, userId), eq(table.id, which.sessionId))
        : and(eq(table.userId, userId), which.keep ? ne(table.id, which.keep) : undefined);
    const [, ended] = (await ctx.dialect.batch(ctx.db, (q) => {
      const guard = ctx.audit.guard(
        q,
        {
          action: "session.revoked",
          actorId: caller.session?.userId ?? null,
          userId,
          target: "sessionId" in which ? { type: "session", id: which.sessionId } : null,
          details: { scope },
          request: caller,
        },
        { table, where },
      );
      return [guard.statement, q.delete(table).where(and(where, guard.recorded)).returning({ id: table.id })];
    })) as [unknown, { id: string }[]];
    return ended.length;
  }

  function deny(error: Error, options: RequireUserOptions | undefined): never {
    const target = options?.redirectTo ?? ctx.settings.redirectUnauthenticatedTo;
    if (target) ctx.caller.redirect(target);
    throw error;
  }

  return {
    async getSession() {
      return (await sessionAccess.current())?.session ?? null;
    },
    async getSessionFromRequest(request) {
      assertArgument(request instanceof Request, "getSessionFromRequest", "request", "a Request");
      return sessionAccess.fromRequest(request);
    },
    async getSessionFromToken(token) {
      if (typeof token !== "string") return null;
      return sessionAccess.fromToken(token);
    },
    async requireUser(options) {
      assertArgument(isOptionalObject(options), "requireUser", "options", "an object");
      const found = await sessionAccess.current();
      return found ? found.session : deny(new UnauthorizedError("Sign in to continue."), options);
    },
    async requireFreshSession(maxAgeSeconds = ctx.settings.session.freshAge, options) {
      assertArgument(
        Number.isFinite(maxAgeSeconds) && maxAgeSeconds >= 0,
        "requireFreshSession",
        "maxAgeSeconds",
        "a number of seconds, 0 or more",
      );
      assertArgument(isOptionalObject(options), "requireFreshSession", "options", "an object");
      const found = await sessionAccess.current();
      if (!found) return deny(new UnauthorizedError("Sign in to continue."), options);
      if (ctx.now() - found.signedInAt.getTime() > maxAgeSeconds * 1000) {
        return deny(new StaleSessionError("Sign in again to continue."), options);
      }
      return found.session;
    },
    async listSessions(userId) {
      assertArgument(isId(userId), "listSessions", "userId", "a user id (string)");
      await ctx.caller.atRequestTime?.(); // "live" is a comparison with the clock
      return sessions.list(userId);
    },
    async revokeSession(userId, sessionId) {
      assertArgument(isId(userId), "revokeSession", "userId", "a user id (string)");
      assertArgument(isId(sessionId), "revokeSession", "sessionId", "a session id (string)");
      if (!ctx.dialect.canBeId(userId) || !ctx.dialect.canBeId(sessionId)) return false;
      return (await revokeAudited(userId, { sessionId }, "one")) > 0;
    },
    async revokeOtherSessions(userId, currentSessionId) {
      assertArgument(isId(userId), "revokeOtherSessions", "userId", "a user id (string)");
      assertArgument(isId(currentSessionId), "revokeOtherSessions", "currentSessionId", "a session id (string)");
      if (!ctx.dialect.canBeId(userId)) return 0;
      // A session id that cannot be one keeps nothing, as it matches no row.
      const keep = ctx.dialect.canBeId(currentSessionId) ? currentSessionId : null;
      return revokeAudited(userId, { keep }, "others");
    },
    async revokeAllSessions(userId) {
      assertArgument(isId(userId), "revokeAllSessions", "userId", "a user id (string)");
      if (!ctx.dialect.canBeId(userId)) return 0;
      return revokeAudited(userId, { keep: null }, "all");
    },
    getClientIP: () => ctx.caller.ip(),
    async prune() {
      return {
        sessions: await sessions.pruneExpired(),
        rateLimits: await ctx.limiter.prune(),
        verificationTokens: await ctx.tokens.prune(),
        refreshTokens: await ctx.refreshTokens.prune(new Date(ctx.now())),
        signingKeys: ctx.accessTokens ? await ctx.accessTokens.prune(ctx.now()) : 0,
        auditEvents: await ctx.audit.prune(),
      };
    },
  };
}

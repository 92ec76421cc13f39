import { eq } from "drizzle-orm";
import * as z from "zod";
import { assertArgument } from "../../shared/arguments.js";
import { ConfigError, type ErrorIssue, RefreshTokenError, type RefreshTokenErrorCode } from "../../shared/errors.js";
import { secondsSchema as seconds } from "../../shared/schemas.js";
import type { AuthContext } from "../context.js";
import { requireIssuer } from "../tokens/access-tokens.js";
import type { FoundRefreshToken } from "../tokens/refresh-store.js";
import { openHandoff } from "../tokens/sealing.js";

const DAY = 24 * 60 * 60;

/**
 * Refresh tokens, for clients that hold access tokens (mobile apps): opaque, single use, bound to
 * the session they were issued for, rotated on every refresh. Presenting one that was already
 * used ends its session and every token of it. Needs `accessTokens`. Off unless passed.
 */
export interface RefreshTokenOptions {
  /**
   * Seconds a refresh token works if unused: each refresh hands out a new one with this lifetime.
   * @default 2592000 (30 days)
   */
  expiresIn?: number;
  /**
   * Seconds from sign-in after which no refresh works however often the client refreshed: the
   * user signs in again. The session's own expiry (`session.maxAge`, slid by each refresh) also
   * ends it.
   * @default 7776000 (90 days)
   */
  absoluteLifetime?: number;
  /**
   * Seconds after a refresh during which presenting the same refresh token again is taken for
   * the client's own retry (a response lost on a flaky network, two requests refreshing at once)
   * and answered with the same new refresh token, instead of as theft. `0` treats every second
   * use as theft: two concurrent refreshes then end the session.
   * @default 10
   */
  reuseGrace?: number;
}

/** @internal Validation of {@link RefreshTokenOptions}. */
export const refreshTokenOptionsSchema = z
  .strictObject({
    expiresIn: seconds(60, 400 * DAY, 30 * DAY),
    absoluteLifetime: seconds(60, 5 * 365 * DAY, 90 * DAY),
    reuseGrace: seconds(0, 60, 10),
  })
  .optional();

/** @internal {@link RefreshTokenOptions} with every default filled in, or undefined when off. */
export type RefreshTokenSettings = z.output<typeof refreshTokenOptionsSchema>;

/**
 * @internal Refresh tokens need access tokens to hand out, and database sessions to bind to.
 * Throws one ConfigError naming every problem.
 */
export function checkTokenSettings(
  settings: { accessTokens?: unknown; refreshTokens?: RefreshTokenSettings; session: { strategy: string } },
  factory: string,
): void {
  const issues: ErrorIssue[] = [];
  if (settings.refreshTokens && !settings.accessTokens) {
    issues.push({ path: "refreshTokens", message: "needs accessTokens: a refresh hands out a new access token" });
  }
  if (settings.session.strategy !== "database") {
    for (const path of ["accessTokens", "refreshTokens"] as const) {
      if (settings[path]) {
        issues.push({
          path,
          message:
            'needs session.strategy "database": tokens are bound to a session row, which JWT sessions do not have',
        });
      }
    }
  }
  if (issues.length > 0) {
    const described = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ConfigError(`${factory}: invalid options: ${described}`, { issues });
  }
}

/** An access token and a refresh token, and when each expires. */
export interface TokenPair {
  /** The JWT for `Authorization: Bearer`. */
  accessToken: string;
  accessTokenExpiresAt: Date;
  /** Opaque; send it to `POST /token/refresh` (or `refreshTokenPair`) once, for the next pair. */
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

/** What `createAuth` adds for refresh tokens (the `refreshTokens` option). */
export interface RefreshTokenMethods {
  /**
   * The first pair of a live session (`sessions.id`, as `session.sessionId` gives it): what the
   * JSON API's sign-in returns when asked for tokens. `RefreshTokenError` (`REFRESH_TOKEN_INVALID`)
   * when the session is not live. Throws `ConfigError` when `refreshTokens` is not set.
   */
  issueTokenPair(sessionId: string): Promise<TokenPair>;
  /**
   * Exchanges a refresh token for a new pair; the token presented stops working. A token used
   * before (outside `reuseGrace`) ends its session and every token derived from it, is recorded
   * (`refresh_tokens.reuse_detected_at`, a warning in the log) and throws `REFRESH_TOKEN_REUSED`.
   * Of two refreshes with one token at once, one consumes it; the other gets the same new refresh
   * token within `reuseGrace`, or ends the family without it. `REFRESH_TOKEN_EXPIRED`,
   * `REFRESH_TOKEN_INVALID` (unknown, or the session ended).
   */
  refreshTokenPair(refreshToken: string): Promise<TokenPair>;
  /** Ends the session a refresh token belongs to (sign-out of a token client); false when unknown. */
  revokeTokenFamily(refreshToken: string): Promise<boolean>;
}

function refuse(code: RefreshTokenErrorCode, message: string): RefreshTokenError {
  return new RefreshTokenError(message, { code });
}

const SIGN_IN_AGAIN = "Sign in again.";

/** @internal Refresh-token rotation with reuse detection. */
export function refreshTokens(ctx: AuthContext, settings: RefreshTokenSettings): RefreshTokenMethods {
  const { sessions } = ctx.tables;
  const store = ctx.refreshTokens;

  function enabled(fn: string) {
    if (!settings) {
      const message = "is not set: pass refreshTokens: {} (and accessTokens) to createAuth";
      throw new ConfigError(`${fn}: refreshTokens ${message}`, { issues: [{ path: "refreshTokens", message }] });
    }
    return { options: settings, issuer: requireIssuer(ctx.accessTokens, fn) };
  }

  async function pairOf(
    fn: string,
    refreshToken: string,
    row: { userId: string; familyId: string; expiresAt: Date },
  ): Promise<TokenPair> {
    const { issuer } = enabled(fn);
    const access = await issuer.issue(
      { userId: row.userId, sessionId: row.familyId },
      issuer.settings.audiences[0],
      ctx.now(),
    );
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: row.expiresAt,
    };
  }

  /**
   * A token presented after it was used: the client's retry within the grace period gets the
   * successor it missed (opened with the token it presents: the database never held it in clear);
   * anything else is theft or a replay, and the family ends.
   */
  async function reused(found: FoundRefreshToken, token: string, now: number): Promise<TokenPair> {
    const { options } = enabled("refreshTokenPair");
    const { row } = found;
    const successor = await store.successorOf(row.id);
    const sessionLive = found.sessionExpires !== null && found.sessionExpires.getTime() > now;
    if (
      successor?.handoff &&
      options.reuseGrace > 0 &&
      successor.createdAt.getTime() >= now - options.reuseGrace * 1000 &&
      !successor.usedAt &&
      !successor.revokedAt &&
      sessionLive
    ) {
      const opened = openHandoff(token, successor.handoff, row.id);
      if (opened) return pairOf("refreshTokenPair", opened, successor);
    }
    await store.revokeFamily(row.familyId, new Date(now), row.id);
    ctx.logger.warn(
      `refresh token reuse: a used refresh token (id ${row.id}) was presented again; the session ${row.familyId} of user ${row.userId} and all its refresh tokens were ended`,
    );
    const ip = await ctx.caller.ip().catch(() => null);
    for (const listener of ctx.hooks.refreshTokenReused) {
      await listener({ userId: row.userId, sessionId: row.familyId, tokenId: row.id, ip });
    }
    throw refuse(
      "REFRESH_TOKEN_REUSED",
      `This refresh token was already used; the session was ended. ${SIGN_IN_AGAIN}`,
    );
  }

  return {
    async issueTokenPair(sessionId) {
      const { options } = enabled("issueTokenPair");
      assertArgument(
        typeof sessionId === "string" && sessionId.length > 0 && sessionId.length <= 255,
        "issueTokenPair",
        "sessionId",
        "a session id (string)",
      );
      const now = ctx.now();
      const [session] = ctx.dialect.canBeId(sessionId)
        ? await ctx.db
            .select({ id: sessions.id, userId: sessions.userId, expires: sessions.expires })
            .from(sessions)
            .where(eq(sessions.id, sessionId))
            .limit(1)
        : [];
      if (!session || session.expires.getTime() <= now) {
        throw refuse("REFRESH_TOKEN_INVALID", `The session is not live. ${SIGN_IN_AGAIN}`);
      }
      const familyExpiresAt = new Date(now + options.absoluteLifetime * 1000);
      const expiresAt = new Date(Math.min(now + options.expiresIn * 1000, familyExpiresAt.getTime()));
      const { token, row } = await store.create({ userId: session.userId, sessionId, expiresAt, familyExpiresAt });
      return pairOf("issueTokenPair", token, row);
    },

    async refreshTokenPair(refreshToken) {
      const { options } = enabled("refreshTokenPair");
      const now = ctx.now();
      const found = typeof refreshToken === "string" ? await store.find(refreshToken) : null;
      if (!found) throw refuse("REFRESH_TOKEN_INVALID", `Unknown refresh token. ${SIGN_IN_AGAIN}`);
      const { row } = found;
      if (row.revokedAt) throw refuse("REFRESH_TOKEN_INVALID", `This refresh token was revoked. ${SIGN_IN_AGAIN}`);
      if (row.usedAt) return reused(found, refreshToken, now);
      if (row.expiresAt.getTime() <= now || row.familyExpiresAt.getTime() <= now) {
        throw refuse("REFRESH_TOKEN_EXPIRED", `This refresh token has expired. ${SIGN_IN_AGAIN}`);
      }
      if (found.sessionExpires === null || found.sessionExpires.getTime() <= now) {
        throw refuse("REFRESH_TOKEN_INVALID", `The session of this refresh token has ended. ${SIGN_IN_AGAIN}`);
      }
      const expiresAt = new Date(Math.min(now + options.expiresIn * 1000, row.familyExpiresAt.getTime()));
      const rotation = await store.rotate(row, refreshToken, {
        expiresAt,
        now: new Date(now),
        session: ctx.settings.session,
      });
      if (rotation.won) return pairOf("refreshTokenPair", rotation.token, rotation.row);
      if ("sessionGone" in rotation) {
        throw refuse("REFRESH_TOKEN_INVALID", `The session of this refresh token has ended. ${SIGN_IN_AGAIN}`);
      }
      // Another refresh with this token consumed it first: this one is its retry, or a replay.
      return reused(found, refreshToken, now);
    },

    async revokeTokenFamily(refreshToken) {
      enabled("revokeTokenFamily");
      const found = typeof refreshToken === "string" ? await store.find(refreshToken) : null;
      if (!found) return false;
      return store.revokeFamily(found.row.familyId, new Date(ctx.now()));
    },
  };
}

import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { UnauthorizedError, ValidationError } from "../../shared/errors.js";
import type { AuthContext } from "../context.js";
import {
  type AccessToken,
  type AccessTokenClaims,
  type AccessTokenIssuer,
  type JSONWebKeySet,
  requireIssuer,
} from "../tokens/access-tokens.js";

/** Options of `getAccessToken()`. */
export interface GetAccessTokenOptions {
  /**
   * The audience (`aud`) to issue the token for: one of `accessTokens.audience`.
   * @default the first of `accessTokens.audience`
   */
  audience?: string;
}

/** Options of `verifyAccessToken()`. */
export interface VerifyAccessTokenOptions {
  /**
   * The audience the token must have been issued for.
   * @default the first of `accessTokens.audience`
   */
  audience?: string;
}

/** What `createAuth` adds for access tokens (the `accessTokens` option). */
export interface AccessTokenMethods {
  /**
   * A short-lived JWT for the signed-in user of the current request (Server Component, Server
   * Action, Route Handler or JSON API request), with `sub` (user id), `sid` (session id), `iat`,
   * `exp`, `iss`, `aud` and a `kid` header. Issued only for a live database session
   * (`UnauthorizedError` otherwise); `ValidationError` for an audience not in
   * `accessTokens.audience`. Throws `ConfigError` when `accessTokens` is not set.
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<AccessToken>;
  /**
   * Verifies an access token this app issued: signature, algorithm (the key's own, never the
   * header's: `alg: none` and HS256 over a public key are refused), `kid`, issuer, audience and
   * expiry. Returns its claims; throws `AccessTokenError` (`ACCESS_TOKEN_EXPIRED`,
   * `ACCESS_TOKEN_WRONG_AUDIENCE`, `ACCESS_TOKEN_WRONG_ISSUER`, `ACCESS_TOKEN_UNKNOWN_KEY`,
   * `ACCESS_TOKEN_WRONG_ALGORITHM`, `ACCESS_TOKEN_INVALID`). No database query once the key is
   * cached: it does not see a revoked session, which is why tokens are short-lived.
   */
  verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenClaims>;
  /**
   * The public keys (a JWK Set) that verify the tokens, as `GET /jwks` serves them: the current
   * key, the next one (published a rotation period ahead) and retired ones still in their
   * overlap. Empty with HS256, whose secret is never published.
   */
  getJWKS(): Promise<JSONWebKeySet>;
}

/** @internal Issuing and verifying access tokens. */
export function accessTokens(ctx: AuthContext): AccessTokenMethods {
  function audienceOf(issuer: AccessTokenIssuer, fn: string, audience: unknown, issued: boolean): string {
    if (audience === undefined) return issuer.settings.audiences[0];
    assertArgument(
      typeof audience === "string" && audience.length > 0 && audience.length <= 2048,
      fn,
      "options.audience",
      "a non-empty string",
    );
    if (issued && !issuer.settings.audiences.includes(audience)) {
      throw new ValidationError(`${fn}: options.audience must be one of accessTokens.audience.`, {
        issues: [{ path: "options.audience", message: "must be one of accessTokens.audience" }],
      });
    }
    return audience;
  }

  return {
    async getAccessToken(options) {
      const issuer = requireIssuer(ctx.accessTokens, "getAccessToken");
      assertArgument(isOptionalObject(options), "getAccessToken", "options", "an object");
      const audience = audienceOf(issuer, "getAccessToken", options?.audience, true);
      const caller = await ctx.caller.signedIn("any");
      const { userId, sessionId } = caller.session;
      // A JWT session has no row to name in `sid` (and checkTokenSettings refuses the combination).
      if (!sessionId) throw new UnauthorizedError("Access tokens need a database session.");
      await ctx.caller.atRequestTime?.();
      return issuer.issue({ userId, sessionId }, audience, ctx.now());
    },
    async verifyAccessToken(token, options) {
      const issuer = requireIssuer(ctx.accessTokens, "verifyAccessToken");
      assertArgument(isOptionalObject(options), "verifyAccessToken", "options", "an object");
      const audience = audienceOf(issuer, "verifyAccessToken", options?.audience, false);
      await ctx.caller.atRequestTime?.(); // expiry is a comparison with the clock
      return issuer.verify(token, audience, ctx.now());
    },
    async getJWKS() {
      const issuer = requireIssuer(ctx.accessTokens, "getJWKS");
      return issuer.jwks(ctx.now());
    },
  };
}

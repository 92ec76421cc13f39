import { decodeProtectedHeader, type JWK, jwtVerify, SignJWT } from "jose";
import type { AccessTokenErrorCode } from "../../shared/errors.js";
import { AccessTokenError, ConfigError } from "../../shared/errors.js";
import type { KeyStore } from "./key-store.js";
import type { AccessTokenAlgorithm, AccessTokenSettings } from "./options.js";
import { secretKeyId } from "./sealing.js";

// Signing and verifying access tokens (compact JWS, RFC 7519 claims) with jose. Verification
// never lets the token choose how it is checked: the header's `kid` picks a key, the key fixes
// its one algorithm, and a header naming any other (`none`, HS256 over a public key: the RS/HS
// confusion) is refused before a signature is computed.

/** The claims of an access token, as `verifyAccessToken` returns them. */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  /** The id of the session the token was issued for (`sessions.id`). */
  sid: string;
  /** The issuer (`accessTokens.issuer`). */
  iss: string;
  /** The audience the token was issued for. */
  aud: string | string[];
  /** Issued at (seconds since the epoch). */
  iat: number;
  /** Expires at (seconds since the epoch). */
  exp: number;
  [claim: string]: unknown;
}

/** An access token and when it expires. */
export interface AccessToken {
  /** The JWT, for `Authorization: Bearer`. */
  token: string;
  expiresAt: Date;
}

/** The public keys of `GET /jwks` (RFC 7517 JWK Set). */
export interface JSONWebKeySet {
  keys: JWK[];
}

/** @internal Issues and verifies access tokens. */
export interface AccessTokenIssuer {
  readonly settings: AccessTokenSettings;
  issue(subject: { userId: string; sessionId: string }, audience: string, now: number): Promise<AccessToken>;
  verify(token: unknown, audience: string, now: number): Promise<AccessTokenClaims>;
  jwks(now: number): Promise<JSONWebKeySet>;
  prune(now: number): Promise<number>;
}

/** Longest token looked at: ours are a few hundred bytes. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const KID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
const ALGORITHMS: readonly string[] = ["EdDSA", "ES256", "RS256", "HS256"] satisfies AccessTokenAlgorithm[];

function refuse(code: AccessTokenErrorCode, message: string, cause?: unknown): AccessTokenError {
  return new AccessTokenError(message, { code, ...(cause !== undefined && { cause }) });
}

/** A verification key: its one algorithm and the key material jose takes. */
interface Key {
  algorithm: AccessTokenAlgorithm;
  key: Parameters<typeof jwtVerify>[1] & object;
}

/**
 * @internal The issuer over `keys` (the `jwks` table; for HS256 only the keys an earlier
 * asymmetric configuration published, still accepted until they retire).
 */
export function createAccessTokenIssuer(settings: AccessTokenSettings, keys: KeyStore): AccessTokenIssuer {
  const hmac =
    settings.algorithm === "HS256"
      ? settings.secrets.map((secret) => ({ kid: secretKeyId(secret), key: new TextEncoder().encode(secret) }))
      : [];
  const hmacByKid = new Map(hmac.map((entry) => [entry.kid, entry.key]));

  async function keyOf(kid: string, now: number): Promise<Key | null> {
    const secret = hmacByKid.get(kid);
    if (secret) return { algorithm: "HS256", key: secret };
    const published = await keys.verificationKey(kid, now);
    return published ? { algorithm: published.algorithm, key: published.key } : null;
  }

  return {
    settings,
    async issue({ userId, sessionId }, audience, now) {
      const iat = Math.floor(now / 1000);
      let exp = iat + settings.expiresIn;
      let kid: string;
      let algorithm: AccessTokenAlgorithm;
      let key: Key["key"];
      const [first] = hmac;
      if (first) {
        ({ kid, key } = first);
        algorithm = "HS256";
      } else {
        const signing = await keys.signingKey(now);
        ({ kid, key, algorithm } = signing);
        // Never outlive the key's publication: after a change of expiresIn, a token signed at the
        // end of a period would otherwise name a key verifiers no longer have.
        exp = Math.min(exp, Math.floor(signing.expiresAt / 1000));
      }
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: algorithm, kid, typ: "JWT" })
        .setSubject(userId)
        .setIssuer(settings.issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token, audience, now) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw refuse("ACCESS_TOKEN_INVALID", "The access token is malformed.");
      }
      let header: { alg?: unknown; kid?: unknown };
      try {
        header = decodeProtectedHeader(token);
      } catch (error) {
        throw refuse("ACCESS_TOKEN_INVALID", "The access token is malformed.", error);
      }
      if (typeof header.alg !== "string" || !ALGORITHMS.includes(header.alg)) {
        throw refuse("ACCESS_TOKEN_WRONG_ALGORITHM", "The access token's algorithm is not accepted.");
      }
      if (typeof header.kid !== "string" || !KID_SHAPE.test(header.kid)) {
        throw refuse("ACCESS_TOKEN_UNKNOWN_KEY", "The access token names no key of this app.");
      }
      const key = await keyOf(header.kid, now);
      if (!key) throw refuse("ACCESS_TOKEN_UNKNOWN_KEY", "The access token names no key of this app.");
      // The key's own algorithm, never the header's: HS256 "signed" with a published public key,
      // or ES256 over an Ed25519 key, is refused here.
      if (header.alg !== key.algorithm) {
        throw refuse("ACCESS_TOKEN_WRONG_ALGORITHM", "The access token's algorithm is not its key's.");
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key.key, {
          algorithms: [key.algorithm],
          issuer: settings.issuer,
          audience,
          currentDate: new Date(now),
          requiredClaims: ["sub", "sid", "iat", "exp"],
        }));
      } catch (error) {
        throw refuseFromJose(error);
      }
      const { sub, sid } = payload;
      if (typeof sub !== "string" || typeof sid !== "string" || sub === "" || sid === "") {
        throw refuse("ACCESS_TOKEN_INVALID", "The access token lacks its subject or session.");
      }
      return payload as AccessTokenClaims;
    },

    async jwks(now) {
      const published = await keys.publicKeys(now, settings.algorithm !== "HS256");
      return { keys: published.map((key) => key.jwk) };
    },

    prune: (now) => keys.prune(now),
  };
}

/** jose's verification failures as the package's codes. */
function refuseFromJose(error: unknown): AccessTokenError {
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  if (code === "ERR_JWT_EXPIRED") return refuse("ACCESS_TOKEN_EXPIRED", "The access token has expired.", error);
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim === "aud") {
    return refuse("ACCESS_TOKEN_WRONG_AUDIENCE", "The access token was issued for another audience.", error);
  }
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim === "iss") {
    return refuse("ACCESS_TOKEN_WRONG_ISSUER", "The access token was issued by another issuer.", error);
  }
  if (code === "ERR_JOSE_ALG_NOT_ALLOWED") {
    return refuse("ACCESS_TOKEN_WRONG_ALGORITHM", "The access token's algorithm is not accepted.", error);
  }
  return refuse("ACCESS_TOKEN_INVALID", "The access token is invalid.", error);
}

/** @internal The issuer, or the ConfigError that says how to turn access tokens on. */
export function requireIssuer(issuer: AccessTokenIssuer | null, fn: string): AccessTokenIssuer {
  if (issuer) return issuer;
  const message = "is not set: pass accessTokens: {} to createAuth to issue access tokens";
  throw new ConfigError(`${fn}: accessTokens ${message}`, { issues: [{ path: "accessTokens", message }] });
}

import * as z from "zod";
import { env } from "../../shared/env.js";
import { ConfigError, type ErrorIssue } from "../../shared/errors.js";
import { secondsSchema as seconds } from "../../shared/schemas.js";

/** The algorithms access tokens can be signed with. */
export type AccessTokenAlgorithm = "EdDSA" | "ES256" | "RS256" | "HS256";

const DAY = 24 * 60 * 60;

/**
 * Access tokens: short-lived JWTs (JWS) for the signed-in user, for other services (a FastAPI or
 * Go service, a worker) that must know who the user is without the database. Off unless passed.
 */
export interface AccessTokenOptions {
  /**
   * `"EdDSA"` (Ed25519), `"ES256"` (P-256) and `"RS256"` (RSA 2048) sign with a private key kept
   * encrypted in the `jwks` table; verifiers fetch the public keys from `GET /jwks`. `"HS256"`
   * signs with `secret`, which every verifier must then hold.
   * @default "EdDSA"
   */
  algorithm?: AccessTokenAlgorithm;
  /**
   * HS256 only, and then required: the shared secret (at least 32 characters), or several,
   * newest first, to rotate it (tokens are signed with the first and verified with any). Never
   * `AUTH_SECRET`: a service that verifies tokens must not be able to forge session cookies.
   * @default undefined
   */
  secret?: string | string[];
  /**
   * The `iss` claim, and the issuer verification expects. Required in production unless
   * `baseURL` or `AUTH_URL` is set.
   * @default `baseURL`, else the origin of `AUTH_URL`, else "http://localhost:3000" outside production
   */
  issuer?: string;
  /**
   * The audiences tokens may be issued for (`aud`): the first is the default of `getAccessToken()`
   * and of `verifyAccessToken()`; `getAccessToken({ audience })` picks another, so a token made
   * for one service is refused by the others.
   * @default [issuer]
   */
  audience?: string | string[];
  /**
   * Seconds a token lives. A token cannot be revoked: signing out or revoking the session stops
   * new tokens at once, but one already issued stays valid until its `exp`, so keep this short.
   * @default 900 (15 minutes)
   */
  expiresIn?: number;
  /**
   * Seconds an asymmetric signing key signs before the next one takes over. The next key is
   * published in `/jwks` a whole period before it signs, so cached key sets already know it.
   * @default 2592000 (30 days)
   */
  rotationInterval?: number;
  /**
   * Seconds a key stays published and accepted after it stopped signing, so that the tokens it
   * signed verify until they expire. At least `expiresIn`.
   * @default 86400 (1 day)
   */
  rotationOverlap?: number;
}

/** A string that is not blank, bounded. */
const name = z.string().trim().min(1).max(2048);

/** @internal Validation of {@link AccessTokenOptions}. */
export const accessTokenOptionsSchema = z
  .strictObject({
    algorithm: z.enum(["EdDSA", "ES256", "RS256", "HS256"]).default("EdDSA"),
    secret: z
      .union([z.string(), z.array(z.string()).min(1).max(10)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional(),
    issuer: name.optional(),
    audience: z
      .union([name, z.array(name).min(1).max(20)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional(),
    expiresIn: seconds(30, DAY, 15 * 60),
    rotationInterval: seconds(60 * 60, 365 * DAY, 30 * DAY),
    rotationOverlap: seconds(60, 30 * DAY, DAY),
  })
  .optional();

/** @internal {@link AccessTokenOptions} as given, defaults filled in; undefined when off. */
export type AccessTokenOptionSettings = z.output<typeof accessTokenOptionsSchema>;

/** @internal Access token settings with the issuer and audiences resolved. */
export interface AccessTokenSettings {
  algorithm: AccessTokenAlgorithm;
  /** HS256: the secrets, newest first. */
  secrets: string[];
  issuer: string;
  /** At least one; the first is the default. */
  audiences: [string, ...string[]];
  expiresIn: number;
  rotationInterval: number;
  rotationOverlap: number;
}

/** Where tokens are issued from in development when nothing says it. */
const DEV_ISSUER = "http://localhost:3000";

/**
 * @internal Resolves the access token settings and checks what zod's field checks cannot: the
 * HS256 secret (present, long, not AUTH_SECRET), the overlap, the issuer in production. Throws
 * one ConfigError naming every problem.
 */
export function resolveAccessTokenSettings(
  settings: {
    accessTokens?: AccessTokenOptionSettings;
    secret?: string | string[] | undefined;
    baseURL?: string | undefined;
    authURL?: string | undefined;
  },
  factory: string,
): AccessTokenSettings | null {
  const options = settings.accessTokens;
  if (!options) return null;
  const issues: ErrorIssue[] = [];
  const secrets = options.secret ?? [];
  if (options.algorithm === "HS256") {
    const authSecrets = new Set(
      settings.secret === undefined ? [] : Array.isArray(settings.secret) ? settings.secret : [settings.secret],
    );
    if (secrets.length === 0) {
      issues.push({
        path: "accessTokens.secret",
        message:
          "is missing: HS256 signs with a dedicated shared secret (at least 32 random characters; `openssl rand -base64 33` prints one)",
      });
    } else if (secrets.some((secret) => secret.length < 32)) {
      issues.push({ path: "accessTokens.secret", message: "must be at least 32 characters" });
    } else if (secrets.some((secret) => authSecrets.has(secret))) {
      // Whoever verifies an HS256 token can also sign one: with AUTH_SECRET that would be the
      // key to every session cookie, CSRF token and encrypted private key of the app.
      issues.push({
        path: "accessTokens.secret",
        message: "must not be AUTH_SECRET: every service that verifies HS256 tokens holds it; use a secret of its own",
      });
    }
  } else if (secrets.length > 0) {
    issues.push({
      path: "accessTokens.secret",
      message: `is for HS256 only: ${options.algorithm} signs with keys kept in the jwks table`,
    });
  }
  if (options.rotationOverlap < options.expiresIn) {
    issues.push({
      path: "accessTokens.rotationOverlap",
      message: "must be at least expiresIn: tokens signed by a retired key must verify until they expire",
    });
  }
  const issuer =
    options.issuer ??
    settings.baseURL?.replace(/\/+$/, "") ??
    (settings.authURL ? new URL(settings.authURL).origin : undefined);
  if (!issuer && env.isProduction()) {
    issues.push({
      path: "accessTokens.issuer",
      message: "is missing: pass accessTokens.issuer, or set baseURL or AUTH_URL (the app's public URL)",
    });
  }
  if (issues.length > 0) {
    const described = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ConfigError(`${factory}: invalid options: ${described}`, { issues });
  }
  const resolvedIssuer = issuer ?? DEV_ISSUER;
  const [first, ...rest] = options.audience ?? [resolvedIssuer];
  return {
    algorithm: options.algorithm,
    secrets,
    issuer: resolvedIssuer,
    audiences: [first ?? resolvedIssuer, ...rest],
    expiresIn: options.expiresIn,
    rotationInterval: options.rotationInterval,
    rotationOverlap: options.rotationOverlap,
  };
}

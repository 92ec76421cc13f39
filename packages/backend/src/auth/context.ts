import { type AnyDatabase, type Dialect, dialectOf, type QueryDatabase, type Statement } from "../database/dialect.js";
import { databaseStore, memoryStore } from "../shared/rate-limit.js";
import { type AccountClaim, createAccountClaim } from "./accounts/claim.js";
import { createUserLookup, type UserLookup } from "./accounts/users.js";
import { type AuditLog, type AuditSettings, createAuditLog } from "./audit/log.js";
import type { AuthCallbacks, NextAuthConfig } from "./authjs/types.js";
import { clientIPResolver, detectPlatform } from "./limits/client-ip.js";
import { createKnownDevices, type KnownDevices } from "./limits/known-devices.js";
import { createLimiter, type Limiter } from "./limits/limiter.js";
import type { LockoutSettings, RateLimitSettings } from "./limits/options.js";
import { createTokenStore, type TokenStore } from "./links/token-store.js";
import { createLinkMailer, createMailer, type LinkMailer, type Mailer } from "./mail/mailer.js";
import type { SendEmail } from "./mail/templates.js";
import { createOrganizationStore, type OrganizationStore } from "./organizations/store.js";
import { type CredentialsRows, createCredentialsRows } from "./password/credentials-row.js";
import type { PasswordSettings } from "./password/options.js";
import { createProvePassword, type ProvePassword } from "./password/verify.js";
import type { SessionSettings } from "./session/options.js";
import { createSessionStore, type SessionStore } from "./session/store.js";
import type { AuthSession, CurrentSession } from "./session/types.js";
import { type AuthDatabase, type AuthTables, type AuthUser, defaultTables, type PostgresAuthTables } from "./tables.js";
import { type AccessTokenIssuer, createAccessTokenIssuer } from "./tokens/access-tokens.js";
import { createKeyStore } from "./tokens/key-store.js";
import type { AccessTokenSettings } from "./tokens/options.js";
import { createRefreshTokenStore, type RefreshTokenStore } from "./tokens/refresh-store.js";
import { createSigningKeyVault, type SigningKeyVault } from "./tokens/sealing.js";

/** @internal Who is calling a flow: the client address, and the session if signed in. */
export interface FlowContext {
  /** The address the limits count (null outside a request: a script is not counted per IP). */
  ip: string | null;
  /** The `User-Agent` header, cut to 512 characters (null outside a request), for the audit log. */
  userAgent: string | null;
  session: { userId: string; sessionId: string | null } | null;
}

/** @internal A signed-in caller. */
export type SignedInContext = FlowContext & { session: NonNullable<FlowContext["session"]> };

/**
 * @internal The caller of a flow, however the request reached the package (a Server Action or
 * Component through `next/headers` today). Features ask it who is calling; they never read a
 * request themselves, so the same flow serves every entry point.
 */
export interface Caller {
  /** Address and session; outside any request (a script), no address and no session. */
  flow(): Promise<FlowContext>;
  /**
   * A signed-in caller; `"fresh"`: signed in within `session.freshAge`. Throws
   * `UnauthorizedError` or `StaleSessionError`.
   */
  signedIn(freshness: "fresh" | "any"): Promise<SignedInContext>;
  /** The client address the limits count (null outside a request). */
  ip(): Promise<string | null>;
  /** Marks the caller's browser a known device of `account` (a cookie on the response). */
  markKnownDevice(account: string): Promise<void>;
  /** Expires the caller's session cookie (after the session it names was deleted). */
  clearSessionCookie(): Promise<void>;
  /** Sends the caller elsewhere (a redirect), where the entry point can; else returns false. */
  redirect(url: string): false | never;
  /**
   * Resolves once the caller is being served at request time: a prerender (Next's Cache
   * Components) stops here, so what follows may read the clock. Entry points that never
   * prerender leave it out.
   */
  atRequestTime?(): Promise<void>;
}

/** @internal How sessions are read, whichever strategy and entry point. */
export interface SessionAccess {
  /** The session of the request being handled, or null. */
  current(): Promise<CurrentSession | null>;
  /** The session a `Request`'s cookie names. */
  fromRequest(request: Request): Promise<AuthSession | null>;
  /** The session of a raw database session token (bearer clients). */
  fromToken(token: string): Promise<AuthSession | null>;
}

/** @internal What a newly registered user looks like to the features that react to it. */
export interface NewUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * @internal Ways for one feature to react to another without importing it: a feature adds a
 * listener, the one that acts runs them.
 */
export interface AuthHooks {
  /** After `registerUser` created a user (the verification mail listens here). */
  userRegistered: ((user: NewUser) => Promise<void>)[];
  /**
   * While an account's deletion is built: a listener may throw to refuse it (organizations: the
   * last owner of an organization with other members), or return statements, built on `q`, to
   * run in the deletion's batch (the organizations only this user belongs to).
   */
  userDeleting: ((q: AnyDatabase, user: AuthUser) => Promise<Statement[]>)[];
  /** After `createAPIKey` stored a key (an audit log listens here). Never given the key itself. */
  apiKeyCreated: ((event: APIKeyEvent & { scopes: string[]; expiresAt: Date | null }) => Promise<void>)[];
  /** After `revokeAPIKey` deleted a key. */
  apiKeyRevoked: ((event: APIKeyEvent) => Promise<void>)[];
  /** After a used refresh token was presented again and its family (the session) was ended. */
  refreshTokenReused: ((event: RefreshTokenReuse) => Promise<void>)[];
}

/** @internal An API key event, as the hooks receive it: ids and the name, never the key or its hash. */
export interface APIKeyEvent {
  userId: string;
  keyId: string;
  name: string;
}

/** @internal A refresh token reuse, as `hooks.refreshTokenReused` receives it. */
export interface RefreshTokenReuse {
  userId: string;
  /** The session that was ended (the family's). */
  sessionId: string;
  /** The `refresh_tokens` row presented again. */
  tokenId: string;
  /** The client address, when known. */
  ip: string | null;
}

/** @internal The settings every building block and feature may read; each feature also gets its own. */
export interface CoreSettings {
  secret?: string | string[] | undefined;
  basePath: string;
  session: SessionSettings;
  password: PasswordSettings;
  rateLimit: RateLimitSettings;
  lockout: LockoutSettings;
  pages?: NextAuthConfig["pages"] | undefined;
  cookies?: NextAuthConfig["cookies"] | undefined;
  useSecureCookies?: boolean | undefined;
  callbacks?: AuthCallbacks | undefined;
  redirectUnauthenticatedTo?: string | undefined;
}

/**
 * @internal Everything `/auth` is made of, built once by `createAuth` and handed to every feature:
 * settings, the database and its tables, the stores, the limiter, mail, the account rules, the
 * caller of the current request, a clock and a logger.
 */
export interface AuthContext {
  settings: CoreSettings;
  db: QueryDatabase;
  tables: AuthTables;
  sessions: SessionStore;
  sessionAccess: SessionAccess;
  tokens: TokenStore;
  limiter: Limiter;
  knownDevices: KnownDevices | null;
  /** The client address of a request's headers, as the settings say to find it. */
  clientIP: (headers: Headers) => string;
  mailer: Mailer;
  links: LinkMailer;
  users: UserLookup;
  credentials: CredentialsRows;
  /** Checks a password a user typed to prove it is them (rate limit and lockout included). */
  provePassword: ProvePassword;
  /** The pre-account-takeover rule: what every proof of an unverified address removes. */
  claim: AccountClaim;
  /** Access tokens (the `accessTokens` option), or null when they are off. */
  accessTokens: AccessTokenIssuer | null;
  /** The `refresh_tokens` table. */
  refreshTokens: RefreshTokenStore;
  /** What differs between libSQL and PostgreSQL: batches, prepared queries, JSON (database/dialect.ts). */
  dialect: Dialect;
  /**
   * The audit log: every security event is written through it, in the batch of the change it
   * records (`insert`, or `guard` for a change with a precondition). For capabilities built
   * later, such as API keys: `ctx.audit.insert(q, { action: "api_key.created", actorId, userId,
   * target: { type: "api_key", id }, request: caller })` in the creation's batch.
   */
  audit: AuditLog;
  /** Organizations' shared reads and the SQL of their guarded writes. */
  organizations: OrganizationStore;
  hooks: AuthHooks;
  caller: Caller;
  now(): number;
  logger: { warn(message: string, error?: unknown): void };
}

/** @internal What {@link createAuthContext} builds: everything but the request-bound parts. */
export type AuthCore = Omit<AuthContext, "caller" | "sessionAccess">;

/** Where links point in development when neither `baseURL` nor `AUTH_URL` is set. */
const DEV_BASE_URL = "http://localhost:3000";

/** @internal Builds the building blocks from validated settings. */
export function createAuthContext(
  settings: CoreSettings & {
    db: AuthDatabase;
    tables?: { [K in keyof AuthTables]?: AuthTables[K] | PostgresAuthTables[K] } | undefined;
    sendEmail?: SendEmail | false | undefined;
    baseURL?: string | undefined;
    authURL?: string | undefined;
    appName?: string | undefined;
    audit: AuditSettings;
    /** Organizations are on: the session lookup joins the membership of the active organization. */
    organizationsEnabled?: boolean | undefined;
  },
  logger: AuthCore["logger"],
  accessTokens: AccessTokenSettings | null = null,
): AuthCore {
  const { lockout, rateLimit } = settings;
  const db = settings.db as QueryDatabase;
  const dialect = dialectOf(db);
  const tables: AuthTables = { ...defaultTables(dialect.name), ...(settings.tables as Partial<AuthTables>) };
  const limiter = createLimiter(
    rateLimit.storage === "memory" ? memoryStore() : databaseStore(db, tables.rateLimits, dialect),
    { enabled: rateLimit.enabled, lockout, warn: logger.warn },
  );
  // Links in mails: the configured public URL, never the request's Host header.
  const baseURL = (settings.baseURL ?? new URL(settings.authURL ?? DEV_BASE_URL).origin).replace(/\/+$/, "");
  const mailer = createMailer(settings.sendEmail);
  return {
    settings,
    db,
    tables,
    sessions: createSessionStore(db, tables, dialect, { activeMember: settings.organizationsEnabled === true }),
    tokens: createTokenStore(db, tables.verificationTokens, dialect),
    limiter,
    knownDevices:
      lockout.enabled && lockout.knownDevices && settings.secret
        ? createKnownDevices(settings.secret, lockout.knownDeviceMaxAge)
        : null,
    clientIP: clientIPResolver(rateLimit.clientIP ?? detectPlatform()),
    mailer,
    links: createLinkMailer(mailer, baseURL, settings.appName ?? new URL(baseURL).host),
    users: createUserLookup(db, tables, dialect),
    credentials: createCredentialsRows(db, tables.accounts, dialect),
    provePassword: createProvePassword(limiter, rateLimit.signIn, settings.password, settings.password.scrypt),
    claim: createAccountClaim(tables),
    accessTokens: accessTokens && createAccessTokens(db, tables, dialect, accessTokens, settings.secret),
    refreshTokens: createRefreshTokenStore(db, tables, dialect),
    dialect,
    // `now` read at each call (not `Date.now` itself), so a test that moves the clock moves it here too.
    audit: createAuditLog(db, tables.auditEvents, dialect, {
      retention: settings.audit.retention,
      now: () => Date.now(),
    }),
    organizations: createOrganizationStore(db, tables, dialect),
    hooks: { userRegistered: [], userDeleting: [], apiKeyCreated: [], apiKeyRevoked: [], refreshTokenReused: [] },
    now: () => Date.now(),
    logger,
  };
}

/** The access token issuer over the `jwks` table, its private keys sealed under `AUTH_SECRET`. */
function createAccessTokens(
  db: QueryDatabase,
  tables: AuthTables,
  dialect: Dialect,
  settings: AccessTokenSettings,
  secret: string | string[] | undefined,
): AccessTokenIssuer {
  const secrets = secret === undefined ? [] : Array.isArray(secret) ? secret : [secret];
  // `next build` may run without AUTH_SECRET: refuse only when a key is actually sealed or opened.
  const vault: SigningKeyVault =
    secrets.length > 0
      ? createSigningKeyVault(secrets)
      : {
          fingerprint: "none",
          seal: () => {
            throw new Error("access tokens: AUTH_SECRET is not set");
          },
          open: () => null,
        };
  const keys = createKeyStore(db, tables.jwks, dialect, {
    algorithm: settings.algorithm === "HS256" ? null : settings.algorithm,
    vault,
    rotationInterval: settings.rotationInterval,
    rotationOverlap: settings.rotationOverlap,
  });
  return createAccessTokenIssuer(settings, keys);
}

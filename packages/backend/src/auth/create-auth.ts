import { eq } from "drizzle-orm";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import NextAuth, { type NextAuthConfig, type NextAuthResult } from "next-auth";
import type { AdapterAccount, AdapterUser } from "next-auth/adapters";
import { decode as decodeJWT, encode as encodeJWT, type JWTEncodeParams } from "next-auth/jwt";
import Credentials from "next-auth/providers/credentials";
import { accounts, authenticators, rateLimits, sessions, users, verificationTokens } from "../database/tables.js";
import { ConfigError, isTetrastackError, StaleSessionError, UnauthorizedError } from "../shared/errors.js";
import { assertArgument, isOptionalObject, parseOptions } from "../shared/validate.js";
import { createAccountClaim } from "./account-claim.js";
import { createAuthAdapter } from "./adapter.js";
import {
  CREDENTIALS_PROVIDER_ID,
  credentialFields,
  isSecureURL,
  readCookie,
  sessionCookieName,
  sharedConfig,
} from "./auth-config.js";
import { type AuthSession, CREDENTIALS_SESSION_USER, composeCallbacks, composeEvents } from "./callbacks.js";
import { clientIPResolver, detectPlatform } from "./client-ip.js";
import { createAuthorize } from "./credentials.js";
import { normalizeEmail } from "./email.js";
import {
  createEmailProvider,
  createSendSignInLink,
  EMAIL_PROVIDER_ID,
  type EmailLinkDeps,
  type SendSignInLinkOptions,
} from "./email-link.js";
import { createKnownDevices } from "./known-device.js";
import {
  type ChangePasswordResult,
  type ConfirmEmailChangeResult,
  createLifecycle,
  type DeleteAccountResult,
  type FlowContext,
  type ReauthenticateOptions,
  type ResetPasswordResult,
  type SignedInContext,
  type VerifyEmailOptions,
  type VerifyEmailResult,
} from "./lifecycle.js";
import { createMailer } from "./mailer.js";
import {
  type AuthEvents,
  type AuthOptions,
  type AuthTables,
  authOptionsSchema,
  checkMailSettings,
  type IsEmailVerified,
  inProduction,
  withEnv,
} from "./options.js";
import { createLimiter, databaseStore, memoryStore } from "./rate-limit.js";
import {
  createRegisterUser,
  type RegisterResult,
  type RegisterUserInput,
  type RegisterUserOptions,
} from "./register.js";
import { currentRequestMeta, type RequestMeta, requestMetaFrom, withRequestMeta } from "./request-context.js";
import { generateSessionToken } from "./session-token.js";
import { createSessionStore, type SessionInfo } from "./sessions.js";
import { createTokenStore } from "./tokens.js";

/** Options of `requireUser()` and `requireFreshSession()`. */
export interface RequireUserOptions {
  /**
   * Redirect here instead of throwing.
   * @default the `redirectUnauthenticatedTo` option, else throw
   */
  redirectTo?: string;
}

/** What `createAuth` returns: NextAuth's own result plus the server helpers. */
export interface Auth extends NextAuthResult {
  /**
   * The current session in a Server Component, Server Action or Route Handler, or null. Database
   * strategy: reads the cookie and resolves it with one indexed query, applying Auth.js's expiry
   * and sliding-refresh rules, so it returns exactly what `auth()` returns (at a fraction of the
   * cost). JWT strategy: `auth()`.
   */
  getSession(): Promise<AuthSession | null>;
  /** {@link Auth.getSession} for a `Request` (route handlers, tests): reads its `Cookie` header. */
  getSessionFromRequest(request: Request): Promise<AuthSession | null>;
  /**
   * {@link Auth.getSession} for a raw session token, such as a mobile client's
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
  /**
   * Creates a user with an email and password. Throws `ValidationError` (400), `ConflictError`
   * (409, email taken; or `{ user: null }` when enumeration-safe) or `RateLimitError` (429).
   */
  registerUser(input: RegisterUserInput | FormData, options?: RegisterUserOptions): Promise<RegisterResult>;
  /** The user's live sessions, oldest first (database strategy). */
  listSessions(userId: string): Promise<SessionInfo[]>;
  /** Ends one of the user's sessions at once; false if it was not theirs or is gone. */
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
  /** Ends every session of the user except `currentSessionId` (`session.sessionId`); returns how many. */
  revokeOtherSessions(userId: string, currentSessionId: string): Promise<number>;
  /** Ends every session of the user; returns how many. */
  revokeAllSessions(userId: string): Promise<number>;
  /** Deletes expired sessions, dead rate-limit rows and expired link tokens; run it from a cron job. */
  prune(): Promise<{ sessions: number; rateLimits: number; verificationTokens: number }>;
  /**
   * Mails a new verification link to `email` if it belongs to an account whose email is not
   * verified yet. Resolves the same way whether or not it does. Rate-limited (`rateLimit.email`,
   * per IP and per address): `RateLimitError`. Malformed email: `ValidationError`.
   */
  requestEmailVerification(email: string): Promise<void>;
  /**
   * Consumes a verification link's token and marks the email verified. From a browser that is not
   * signed in to the account, an account with a password also needs `options.password`
   * (`ReauthenticationRequiredError` without it, the link staying usable): the link proves the
   * mailbox, the password proves who chose it. Verifying an account that nobody had proven yet
   * removes every way into it its prover did not make (see the README's account-linking rule).
   * `TokenError` (`TOKEN_INVALID`, `TOKEN_EXPIRED`), `InvalidCredentialsError`, `RateLimitError`.
   */
  verifyEmail(token: string, options?: VerifyEmailOptions): Promise<VerifyEmailResult>;
  /**
   * Mails a password-reset link if `email` belongs to an account; resolves the same way whether
   * or not it does. `RateLimitError` (`rateLimit.email`), `ValidationError`.
   */
  requestPasswordReset(email: string): Promise<void>;
  /**
   * Sets a new password with a reset link's token (policy checked first: `ValidationError`),
   * marks the email verified, clears the sign-in lockout and ends every session of the user but
   * the caller's own. `TokenError`, `RateLimitError` (`rateLimit.confirm`).
   */
  resetPassword(token: string, newPassword: string): Promise<ResetPasswordResult>;
  /**
   * Changes the signed-in user's password; the current one is required (`InvalidCredentialsError`,
   * counted toward the sign-in lockout: `AccountLockedError`) and the session must be fresh
   * (`UnauthorizedError`, `StaleSessionError`). Ends the user's other sessions. `ValidationError`
   * (new password policy), `RateLimitError` (`rateLimit.signIn`).
   */
  changePassword(currentPassword: string, newPassword: string): Promise<ChangePasswordResult>;
  /**
   * Mails a confirmation link to `newEmail`; the address changes only when it is opened. Needs a
   * fresh session and proof beyond it: `options.password` for an account with a password
   * (`ReauthenticationRequiredError` without it, `InvalidCredentialsError`/`AccountLockedError`
   * when wrong); an account without one is first sent an approval link at its current address
   * (`approveEmailChange`). Resolves the same way when the address is taken (no mail is sent
   * then). `ValidationError` (malformed, or already the account's), `RateLimitError`.
   */
  requestEmailChange(newEmail: string, options?: ReauthenticateOptions): Promise<void>;
  /**
   * Consumes the approval link an account without a password receives at its current address,
   * then mails the confirmation link to the new address. `TokenError`, `RateLimitError`.
   */
  approveEmailChange(token: string): Promise<void>;
  /**
   * Consumes an email-change token: the new address replaces the old one (verified), the old one
   * is sent a notice, and every session of the user but the caller's own ends. `TokenError`
   * (also when signed in as another user), `ConflictError` (the address was taken meanwhile).
   */
  confirmEmailChange(token: string): Promise<ConfirmEmailChangeResult>;
  /**
   * Deletes the signed-in user at once (fresh session and `options.password` required) with
   * everything that cascades, after `accountDeletion.beforeDelete`; clears the session cookie. An
   * account without a password confirms by email instead (`requestAccountDeletion`):
   * `ReauthenticationRequiredError`. `InvalidCredentialsError`, `ForbiddenError` when the hook
   * refuses, `UnauthorizedError`, `StaleSessionError`, `RateLimitError` (`rateLimit.confirm`).
   */
  deleteAccount(options?: ReauthenticateOptions): Promise<DeleteAccountResult>;
  /** Mails the signed-in user a link that confirms deleting the account. `RateLimitError` (`rateLimit.email`). */
  requestAccountDeletion(): Promise<void>;
  /**
   * Consumes a deletion link's token and deletes the user as {@link Auth.deleteAccount} does. A
   * refusal by `beforeDelete` leaves the link usable. `TokenError`, `ForbiddenError`.
   */
  confirmAccountDeletion(token: string): Promise<DeleteAccountResult>;
  /**
   * Mails a sign-in link (Auth.js's email provider, `emailSignIn.enabled`); opening it signs in
   * through `/api/auth/callback/email`, creating the user on first use when `emailSignIn.createUsers`.
   * Resolves the same way whether or not the address has an account. `RateLimitError`
   * (`rateLimit.email`), `ValidationError`, `ForbiddenError` (your `signIn` callback refused).
   */
  sendSignInLink(email: string, options?: SendSignInLinkOptions): Promise<void>;
}

/**
 * Whether a provider vouches for the email: OIDC's `email_verified` (Google, Apple, Auth0…) or
 * Google's `verified_email`, for the same address.
 */
export const defaultIsEmailVerified: IsEmailVerified = (params) => {
  const { profile, email } = (typeof params === "object" && params) || { profile: undefined, email: "" };
  if (
    typeof email !== "string" ||
    !profile ||
    typeof profile.email !== "string" ||
    normalizeEmail(profile.email) !== email
  )
    return false;
  return profile.email_verified === true || profile.email_verified === "true" || profile.verified_email === true;
};

const CLIENT_IP_WARNING =
  'rateLimit.clientIP is not set and the platform was not detected: every client counts as one unknown address, so per-IP limits are not effective (they share one bucket). Set rateLimit.clientIP to where the app runs: "vercel", "cloudflare", "netlify", "fly", { forwardedHops: n } behind your own proxy, or "direct".';

/** One warning per process and message, however many auth instances a dev server creates. */
function warnOnce(warn: (message: string) => void, message: string): void {
  const global = globalThis as { [WARNED]?: Set<string> };
  global[WARNED] ??= new Set();
  if (global[WARNED].has(message)) return;
  global[WARNED].add(message);
  warn(message);
}
const WARNED = Symbol.for("@tetrastack/backend/auth/warned");

/** A row id as this package makes them: a short string (UUIDs; anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

/** drizzle's `batch` wants a non-empty tuple. */
function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (items.length === 0) throw new Error("batch: no statements");
  return items as [T, ...T[]];
}

/** A `Set-Cookie` header value. */
function serializeCookie(
  name: string,
  value: string,
  options: { path?: string; httpOnly?: boolean; secure?: boolean; sameSite?: string | boolean; maxAge?: number },
): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? "/"}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (typeof options.sameSite === "string") {
    parts.push(`SameSite=${options.sameSite[0]?.toUpperCase()}${options.sameSite.slice(1)}`);
  }
  return parts.join("; ");
}

/** Where links point in development when neither `baseURL` nor `AUTH_URL` is set. */
const DEV_BASE_URL = "http://localhost:3000";

const DEFAULT_TABLES: AuthTables = { users, accounts, sessions, verificationTokens, authenticators, rateLimits };

/**
 * Auth.js (next-auth v5) with the Drizzle adapter, made secure and complete: email + password
 * sign-in with database sessions, hashed session tokens, scrypt, rate limits and lockout, safe
 * account linking, and fast server helpers. Validates its options once; throws ConfigError.
 *
 * @example
 * export const { handlers, auth, signIn, signOut, getSession, requireUser, registerUser } = createAuth({
 *   db: createDatabase({ url: process.env.DATABASE_URL }),
 *   providers: [Google],
 * })
 */
export function createAuth(options: AuthOptions): Auth {
  const settings = parseOptions(authOptionsSchema, withEnv(options), "createAuth");
  checkMailSettings(settings, "createAuth");
  const tables: AuthTables = { ...DEFAULT_TABLES, ...settings.tables };
  const { db } = settings;
  const { maxAge, updateAge } = settings.session;
  const jwtStrategy = settings.session.strategy === "jwt";
  const warn = (message: string, error?: unknown): void => {
    const text = `[@tetrastack/backend/auth] ${message}`;
    if (settings.logger?.error)
      settings.logger.error(new Error(text, error === undefined ? undefined : { cause: error }));
    else if (error === undefined) console.warn(text);
    else console.warn(text, error);
  };
  const ipSource = settings.rateLimit.clientIP ?? detectPlatform(process.env);
  const clientIP = clientIPResolver(ipSource);
  if (ipSource === undefined && settings.rateLimit.enabled && inProduction()) warnOnce(warn, CLIENT_IP_WARNING);

  const store = createSessionStore(db, tables);
  const tokens = createTokenStore(db, tables.verificationTokens);
  const adapter = createAuthAdapter(db, tables, store, tokens);
  const limiter = createLimiter(
    settings.rateLimit.storage === "memory" ? memoryStore() : databaseStore(db, tables.rateLimits),
    { enabled: settings.rateLimit.enabled, lockout: settings.lockout },
  );
  const isEmailVerified = settings.accountLinking.isEmailVerified ?? defaultIsEmailVerified;
  const claim = createAccountClaim(db, tables);
  const { lockout } = settings;
  const knownDevices =
    lockout.enabled && lockout.knownDevices && settings.secret
      ? createKnownDevices(settings.secret, lockout.knownDeviceMaxAge)
      : null;

  // Links in mails: the configured public URL, never the request's Host header.
  const baseURL = (settings.baseURL ?? new URL(settings.authURL ?? DEV_BASE_URL).origin).replace(/\/+$/, "");
  const appName = settings.appName ?? new URL(baseURL).host;
  const link = (path: string, token: string): string => {
    const url = new URL(`${baseURL}${path}`);
    url.searchParams.set("token", token);
    return url.toString();
  };
  const mailer = createMailer(settings.sendEmail);
  const lifecycle = createLifecycle({
    db,
    tables,
    claim,
    tokens,
    mailer,
    limiter,
    rules: { email: settings.rateLimit.email, confirm: settings.rateLimit.confirm, signIn: settings.rateLimit.signIn },
    policy: settings.password,
    scrypt: settings.password.scrypt,
    link,
    appName,
    flows: settings,
    logger: { warn },
  });
  const emailLink: EmailLinkDeps = {
    db,
    tables,
    tokens,
    mailer,
    limiter,
    rule: settings.rateLimit.email,
    settings: settings.emailSignIn,
    origin: new URL(baseURL).origin,
    basePath: settings.basePath,
    appName,
    consumerSignIn: settings.callbacks?.signIn,
  };
  const sendSignInLink = createSendSignInLink(emailLink);
  const vouches = async (provider: string, profile: unknown, email: string): Promise<boolean> =>
    Boolean(await isEmailVerified({ provider, profile: profile as Record<string, unknown> | undefined, email }));

  /**
   * An OAuth sign-in by someone not signed in, with an identity not linked yet: link it to the user
   * with that email when the provider vouches for the address. If that user never proved the
   * address, the provider's word is the first proof: the account is claimed for its owner in the
   * same transaction as the link (see account-claim.ts).
   */
  async function linkByVerifiedEmail(email: string | null, account: AdapterAccount, vouched: boolean): Promise<void> {
    if (!settings.accountLinking.enabled || !email || !vouched) return;
    const existing = await adapter.getUserByEmail?.(email);
    if (!existing) return;
    const { type, provider, providerAccountId } = account;
    const tokenFields = [
      "refresh_token",
      "access_token",
      "expires_at",
      "token_type",
      "scope",
      "id_token",
      "session_state",
    ];
    const kept = Object.fromEntries(
      tokenFields.filter((key) => account[key] !== undefined).map((key) => [key, account[key]]),
    );
    const link = db.insert(tables.accounts).values({
      ...kept,
      type,
      provider,
      providerAccountId,
      userId: existing.id,
    } as typeof tables.accounts.$inferInsert);
    await db.batch(nonEmpty([...(existing.emailVerified ? [] : claim.statements(existing.id, {})), link]));
  }

  /** The live session of the request being handled (the signIn callback has no other way to it). */
  async function requestSession() {
    const token = currentRequestMeta()?.sessionToken;
    const found = token ? await store.find(token) : null;
    return found && found.session.expires.valueOf() > Date.now() ? found : null;
  }

  /** Auth.js's error page with a code, which is how the signIn callback refuses with a reason. */
  function errorPage(code: string, extra: Record<string, string> = {}): string {
    const page = settings.pages?.error ?? `${settings.basePath}/error`;
    return `${page}?${new URLSearchParams({ error: "AccessDenied", code, ...extra })}`;
  }

  async function existingUser(address: string | null | undefined) {
    if (typeof address !== "string" || !address) return null;
    return (await adapter.getUserByEmail?.(address)) ?? null;
  }

  function verifyRequestPage(): string {
    const page = settings.pages?.verifyRequest ?? `${settings.basePath}/verify-request`;
    return `${page}?${new URLSearchParams({ provider: EMAIL_PROVIDER_ID, type: "email" })}`;
  }

  async function limitEmail(address: string | null | undefined): Promise<true | string> {
    try {
      const account = typeof address === "string" && address ? `sign-in:${normalizeEmail(address)}` : null;
      await limiter.enforce("email", settings.rateLimit.email, { ip: currentRequestMeta()?.ip ?? null, account });
      return true;
    } catch (error) {
      if (!isTetrastackError(error, "RATE_LIMITED")) throw error;
      return errorPage("RATE_LIMITED", { retryAfter: `${error.retryAfter}` });
    }
  }

  const callbacks = composeCallbacks(settings.callbacks, {
    ...(!jwtStrategy && settings.credentials && { markCredentialsSessions: CREDENTIALS_PROVIDER_ID }),
    ...(jwtStrategy && {
      async userExists(userId: string) {
        const found = await db
          .select({ id: tables.users.id })
          .from(tables.users)
          .where(eq(tables.users.id, userId))
          .limit(1);
        return found.length > 0;
      },
    }),
    async signIn({ user, account, profile, email }) {
      if (email?.verificationRequest) {
        const limited = await limitEmail(user.email);
        if (limited !== true || account?.provider !== EMAIL_PROVIDER_ID || settings.emailSignIn.createUsers) {
          return limited;
        }
        // No account and no sign-up: the same "check your inbox" page, and no mail.
        return (await existingUser(user.email)) ? true : verifyRequestPage();
      }
      if (account?.type === "email") {
        const existing = await existingUser(user.email);
        if (!existing) return account.provider !== EMAIL_PROVIDER_ID || settings.emailSignIn.createUsers;
        // The link proves the address; an unverified account on it may be someone else's squat.
        if (!existing.emailVerified) await db.batch(nonEmpty(claim.statements(existing.id, {})));
        // The owner is back in, and this browser is theirs from now on (known-device cookie).
        const meta = currentRequestMeta();
        if (meta && knownDevices && existing.email) meta.knownDeviceFor = existing.email;
        return true;
      }
      if (account && (account.type === "oauth" || account.type === "oidc")) {
        const email = typeof user.email === "string" && user.email ? normalizeEmail(user.email) : null;
        const vouched = email !== null && (await vouches(account.provider, profile, email));
        // A provider that does not vouch for the address never puts it on a new user: such a user
        // would block the address's real owner (registration conflicts) or be captured later.
        const meta = currentRequestMeta();
        if (meta) meta.oauthEmailVouched = vouched;
        const linked = await adapter.getUserByAccount?.({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
        });
        if (linked) return true;
        const current = await requestSession();
        if (current) {
          // Auth.js links the identity to the signed-in user. On an account whose address nobody
          // proved, that would give whoever holds the session a way in that survives the owner's
          // claim: refused, unless this provider vouches for that very address (a proof itself).
          if (current.user.emailVerified) return true;
          if (!vouched || email !== current.user.email) return errorPage("EMAIL_NOT_VERIFIED");
          await db.batch(
            nonEmpty(claim.statements(current.user.id, { sessionId: current.session.id, credentials: true })),
          );
          return true;
        }
        await linkByVerifiedEmail(email, account as AdapterAccount, vouched);
      }
      return true;
    },
  });

  const libraryEvents: AuthEvents = {
    async signIn({ user, account, profile, isNewUser }) {
      // Auth.js creates OAuth users with emailVerified null; record it when the provider vouched.
      if (!isNewUser || !user.id || !account || (account.type !== "oauth" && account.type !== "oidc")) return;
      if (typeof user.email === "string" && (await vouches(account.provider, profile, normalizeEmail(user.email)))) {
        await adapter.updateUser?.({ id: user.id, emailVerified: new Date() });
      }
    },
  };
  const events = composeEvents(libraryEvents, settings.events);

  const providers: NextAuthConfig["providers"] = [...settings.providers];
  if (settings.credentials) {
    providers.unshift(
      Credentials({
        id: CREDENTIALS_PROVIDER_ID,
        name: "Email",
        credentials: credentialFields,
        authorize: createAuthorize({
          db,
          tables,
          limiter,
          rule: settings.rateLimit.signIn,
          policy: settings.password,
          scrypt: settings.password.scrypt,
          clientIP,
          knownDevices,
          requireEmailVerification: settings.emailVerification.required,
          logger: { warn },
        }),
      }),
    );
  }
  if (settings.emailSignIn.enabled) providers.splice(settings.credentials ? 1 : 0, 0, createEmailProvider(emailLink));

  // Workaround for Auth.js's credentials provider, which never creates a database session: under
  // the database strategy the jwt callback marks a credentials sign-in and `jwt.encode`, the one
  // place Auth.js hands us before writing the session cookie, creates the session row and returns
  // its opaque token instead of a JWT. `session.strategy` stays unset (implied "database" by the
  // adapter), which keeps Auth.js's credentials-vs-database assertion out of the way.
  async function encode(params: JWTEncodeParams): Promise<string> {
    const userId = params.token?.[CREDENTIALS_SESSION_USER];
    if (typeof userId !== "string") return encodeJWT(params);
    const sessionToken = generateSessionToken();
    const expires = new Date(Date.now() + (params.maxAge ?? maxAge) * 1000);
    await adapter.createSession?.({ sessionToken, userId, expires });
    return sessionToken;
  }

  const config: NextAuthConfig = {
    ...sharedConfig(settings),
    adapter,
    providers,
    session: jwtStrategy ? { strategy: "jwt", maxAge, updateAge } : { maxAge, updateAge, generateSessionToken },
    ...(!jwtStrategy && { jwt: { encode } }),
    callbacks,
    events,
  };
  const nextAuth = NextAuth(config);

  const metaFromNext = async (): Promise<RequestMeta> => {
    try {
      return requestMetaFrom(new Headers(await headers()), clientIP);
    } catch {
      return { ip: null, userAgent: null, cookieHeader: null };
    }
  };

  /** The known-device cookie for the account this request proved itself for, if any. */
  function knownDeviceCookie(meta: RequestMeta, secure: boolean) {
    if (!knownDevices || !meta.knownDeviceFor) return null;
    return {
      name: knownDevices.cookieName(secure),
      value: knownDevices.issue(meta.cookieHeader, secure, meta.knownDeviceFor),
      options: { ...cookieOptions(secure), secure, maxAge: knownDevices.maxAge },
    };
  }

  /** Sets the known-device cookie from a Server Action (a no-op where Next forbids cookies). */
  async function setKnownDeviceCookie(meta: RequestMeta): Promise<void> {
    if (!knownDevices || !meta.knownDeviceFor) return;
    try {
      const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
      const cookie = knownDeviceCookie(meta, secureFromHeaders(requestHeaders));
      if (cookie) jar.set(cookie.name, cookie.value, cookie.options);
    } catch {}
  }

  // Server-action signIn: in the request's metadata, and marking the browser known on success
  // (which Auth.js signals by throwing its redirect).
  const signIn = (async (...args: Parameters<NextAuthResult["signIn"]>) => {
    const meta = await metaFromNext();
    try {
      return await withRequestMeta(meta, () => nextAuth.signIn(...args));
    } finally {
      await setKnownDeviceCookie(meta);
    }
  }) as NextAuthResult["signIn"];

  // Route handlers run inside the request's metadata, for the session rows they create, the
  // signIn callback's view of the current session, and the known-device cookie.
  const withRequest =
    (handler: NextAuthResult["handlers"]["GET"]): NextAuthResult["handlers"]["GET"] =>
    async (request) => {
      const secure = isSecureURL(request.url);
      const meta: RequestMeta = {
        ...requestMetaFrom(request.headers, clientIP),
        sessionToken: readCookie(request.headers.get("cookie"), sessionCookieName(secure, settings)),
      };
      const response = await withRequestMeta(meta, () => handler(request));
      const cookie = knownDeviceCookie(meta, secure);
      if (!cookie) return response;
      const marked = new Response(response.body, response);
      marked.headers.append("set-cookie", serializeCookie(cookie.name, cookie.value, cookie.options));
      return marked as typeof response;
    };
  const handlers: NextAuthResult["handlers"] = {
    GET: withRequest(nextAuth.handlers.GET),
    POST: withRequest(nextAuth.handlers.POST),
  };

  const cookieOptions = (secure: boolean) => ({
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: settings.useSecureCookies ?? secure,
    ...settings.cookies?.sessionToken?.options,
  });

  /** The composed session callback and events, exactly as Auth.js runs them for `/session`. */
  async function toSession(found: { session: Record<string, unknown>; user: AdapterUser }): Promise<AuthSession> {
    const session = (await callbacks.session?.({
      session: { ...found.session, user: found.user },
      user: found.user,
      newSession: undefined,
    } as never)) as unknown as AuthSession;
    try {
      await events.session?.({ session } as never);
    } catch (error) {
      warn("events.session failed", error);
    }
    return session;
  }

  async function resolveToken(token: string | undefined) {
    if (!token) return null;
    const found = await store.resolve(token, { maxAge, updateAge });
    if (!found) return null;
    return {
      session: await toSession(found as never),
      signedInAt: found.session.createdAt,
      refreshedTo: found.refreshedTo,
    };
  }

  function secureFromHeaders(requestHeaders: Headers): boolean {
    // As next-auth's auth() decides: AUTH_URL, else X-Forwarded-Proto, else https.
    const envURL = process.env.AUTH_URL || process.env.NEXTAUTH_URL;
    if (envURL) return isSecureURL(envURL);
    return (requestHeaders.get("x-forwarded-proto") ?? "https").replace(/:$/, "") === "https";
  }

  async function current(): Promise<{ session: AuthSession; signedInAt: Date } | null> {
    const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
    const secure = secureFromHeaders(requestHeaders);
    const name = sessionCookieName(secure, settings);
    if (jwtStrategy) {
      const session = (await nextAuth.auth()) as AuthSession | null;
      if (!session) return null;
      return { session, signedInAt: await jwtSignedInAt(readCookie(requestHeaders.get("cookie"), name), name) };
    }
    const token = jar.get(name)?.value;
    const resolved = await resolveToken(token);
    if (resolved?.refreshedTo && token) {
      try {
        // Works in Server Actions and Route Handlers; Server Components cannot set cookies (as
        // with auth()), the database expiry has moved either way.
        jar.set(name, token, { ...cookieOptions(secure), expires: resolved.refreshedTo });
      } catch {}
    }
    return resolved;
  }

  async function jwtSignedInAt(token: string | undefined, salt: string): Promise<Date> {
    if (!token || !settings.secret) return new Date(0);
    const payload = await decodeJWT({ token, secret: settings.secret, salt }).catch(() => null);
    const seconds = Number(payload?.authTime ?? payload?.iat ?? 0);
    return new Date(seconds * 1000);
  }

  async function getSessionFromRequest(request: Request): Promise<AuthSession | null> {
    assertArgument(request instanceof Request, "getSessionFromRequest", "request", "a Request");
    if (jwtStrategy) {
      const url = new URL(request.url);
      const forwarded = new Headers(request.headers);
      if (!forwarded.has("host")) forwarded.set("host", url.host);
      if (!forwarded.has("x-forwarded-proto")) forwarded.set("x-forwarded-proto", url.protocol.replace(":", ""));
      const auth = nextAuth.auth as unknown as (
        req: { headers: Headers },
        res: { headers: Headers },
      ) => Promise<unknown>;
      return (await auth({ headers: forwarded }, { headers: new Headers() })) as AuthSession | null;
    }
    const name = sessionCookieName(isSecureURL(request.url), settings);
    return (await resolveToken(readCookie(request.headers.get("cookie"), name)))?.session ?? null;
  }

  async function getSessionFromToken(token: string): Promise<AuthSession | null> {
    if (jwtStrategy || typeof token !== "string") return null;
    return (await resolveToken(token))?.session ?? null;
  }

  function deny(error: Error, options: RequireUserOptions | undefined): never {
    const target = options?.redirectTo ?? settings.redirectUnauthenticatedTo;
    if (target) redirect(target);
    throw error;
  }

  const registerUser = createRegisterUser({
    db,
    tables,
    limiter,
    rule: settings.rateLimit.register,
    policy: settings.password,
    scrypt: settings.password.scrypt,
    enumerationSafe: settings.registration.enumerationSafe,
    onExistingEmail: settings.registration.onExistingEmail,
    ...(settings.emailVerification.sendOnSignUp && {
      afterRegister: (user: { id: string; email: string }) => lifecycle.sendSignUpVerification(user),
    }),
    logger: { warn },
  });

  /** The caller as the flows see it: address, and the session when there is a request with one. */
  async function flowContext(): Promise<FlowContext> {
    const meta = await metaFromNext();
    let inRequest = true;
    try {
      await headers();
    } catch {
      inRequest = false; // a script or test outside Next's request scope: nobody is signed in
    }
    const found = inRequest ? await current() : null;
    const session = found ? { userId: found.session.user.id, sessionId: found.session.sessionId ?? null } : null;
    return { ip: meta.ip, session };
  }

  /** A signed-in (and, for `fresh`, recently signed-in) caller; throws, never redirects. */
  async function signedInContext(freshness: "fresh" | "any"): Promise<SignedInContext> {
    const found = await current();
    if (!found) throw new UnauthorizedError("Sign in to continue.");
    if (freshness === "fresh" && Date.now() - found.signedInAt.getTime() > settings.session.freshAge * 1000) {
      throw new StaleSessionError("Sign in again to continue.");
    }
    const meta = await metaFromNext();
    return { ip: meta.ip, session: { userId: found.session.user.id, sessionId: found.session.sessionId ?? null } };
  }

  /** After a deletion: the caller's cookie names a session that no longer exists. */
  async function clearSessionCookie(): Promise<void> {
    try {
      const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
      jar.delete(sessionCookieName(secureFromHeaders(requestHeaders), settings));
    } catch {
      // Outside a Server Action or Route Handler: nothing to clear, or Next forbids it.
    }
  }

  return {
    handlers,
    auth: nextAuth.auth,
    signIn,
    signOut: nextAuth.signOut,
    unstable_update: nextAuth.unstable_update,
    async getSession() {
      return (await current())?.session ?? null;
    },
    getSessionFromRequest,
    getSessionFromToken,
    async requireUser(options) {
      assertArgument(isOptionalObject(options), "requireUser", "options", "an object");
      const found = await current();
      return found ? found.session : deny(new UnauthorizedError("Sign in to continue."), options);
    },
    async requireFreshSession(maxAgeSeconds = settings.session.freshAge, options) {
      assertArgument(
        Number.isFinite(maxAgeSeconds) && maxAgeSeconds >= 0,
        "requireFreshSession",
        "maxAgeSeconds",
        "a number of seconds, 0 or more",
      );
      assertArgument(isOptionalObject(options), "requireFreshSession", "options", "an object");
      const found = await current();
      if (!found) return deny(new UnauthorizedError("Sign in to continue."), options);
      if (Date.now() - found.signedInAt.getTime() > maxAgeSeconds * 1000) {
        return deny(new StaleSessionError("Sign in again to continue."), options);
      }
      return found.session;
    },
    async registerUser(input, options) {
      const ip = options?.ip !== undefined ? options.ip : (await metaFromNext()).ip;
      return registerUser(input, { ip });
    },
    async listSessions(userId) {
      assertArgument(isId(userId), "listSessions", "userId", "a user id (string)");
      return store.list(userId);
    },
    async revokeSession(userId, sessionId) {
      assertArgument(isId(userId), "revokeSession", "userId", "a user id (string)");
      assertArgument(isId(sessionId), "revokeSession", "sessionId", "a session id (string)");
      return store.revoke(userId, sessionId);
    },
    async revokeOtherSessions(userId, currentSessionId) {
      assertArgument(isId(userId), "revokeOtherSessions", "userId", "a user id (string)");
      assertArgument(isId(currentSessionId), "revokeOtherSessions", "currentSessionId", "a session id (string)");
      return store.revokeOthers(userId, currentSessionId);
    },
    async revokeAllSessions(userId) {
      assertArgument(isId(userId), "revokeAllSessions", "userId", "a user id (string)");
      return store.revokeAll(userId);
    },
    async prune() {
      return {
        sessions: await store.pruneExpired(),
        rateLimits: await limiter.prune(),
        verificationTokens: await tokens.prune(),
      };
    },
    async requestEmailVerification(email) {
      return lifecycle.requestEmailVerification(email, await flowContext());
    },
    async verifyEmail(token, options) {
      return lifecycle.verifyEmail(token, await flowContext(), options);
    },
    async requestPasswordReset(email) {
      return lifecycle.requestPasswordReset(email, await flowContext());
    },
    async resetPassword(token, newPassword) {
      const meta = await metaFromNext();
      const result = await lifecycle.resetPassword(token, newPassword, await flowContext());
      // The owner proved the mailbox from this browser: it may sign in past any lockout.
      meta.knownDeviceFor = result.email;
      await setKnownDeviceCookie(meta);
      return result;
    },
    async changePassword(currentPassword, newPassword) {
      return lifecycle.changePassword(currentPassword, newPassword, await signedInContext("fresh"));
    },
    async requestEmailChange(newEmail, options) {
      return lifecycle.requestEmailChange(newEmail, await signedInContext("fresh"), options);
    },
    async approveEmailChange(token) {
      return lifecycle.approveEmailChange(token, await flowContext());
    },
    async confirmEmailChange(token) {
      return lifecycle.confirmEmailChange(token, await flowContext());
    },
    async deleteAccount(options) {
      const result = await lifecycle.deleteAccount(await signedInContext("fresh"), options);
      await clearSessionCookie();
      return result;
    },
    async requestAccountDeletion() {
      return lifecycle.requestAccountDeletion(await signedInContext("any"));
    },
    async confirmAccountDeletion(token) {
      const context = await flowContext();
      const result = await lifecycle.confirmAccountDeletion(token, context);
      if (context.session) await clearSessionCookie();
      return result;
    },
    async sendSignInLink(email, options) {
      if (!settings.emailSignIn.enabled) {
        throw new ConfigError(
          "sendSignInLink: email sign-in is off; pass emailSignIn: { enabled: true } to createAuth.",
        );
      }
      return sendSignInLink(email, options, await flowContext());
    },
  };
}

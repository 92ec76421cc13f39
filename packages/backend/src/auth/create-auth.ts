import { eq } from "drizzle-orm";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import NextAuth, { type NextAuthConfig, type NextAuthResult } from "next-auth";
import type { AdapterAccount, AdapterUser } from "next-auth/adapters";
import { decode as decodeJWT, encode as encodeJWT, type JWTEncodeParams } from "next-auth/jwt";
import Credentials from "next-auth/providers/credentials";
import { accounts, authenticators, rateLimits, sessions, users, verificationTokens } from "../database/tables.js";
import {
  ConfigError,
  isTetrastackError,
  type RateLimitError,
  StaleSessionError,
  UnauthorizedError,
} from "../shared/errors.js";
import { parseOptions } from "../shared/validate.js";
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
import { defaultClientIP } from "./client-ip.js";
import { createAuthorize } from "./credentials.js";
import { credentialsAccountOf } from "./credentials-account.js";
import { normalizeEmail } from "./email.js";
import {
  createEmailProvider,
  createSendSignInLink,
  EMAIL_PROVIDER_ID,
  type EmailLinkDeps,
  type SendSignInLinkOptions,
} from "./email-link.js";
import {
  type ChangePasswordResult,
  type ConfirmEmailChangeResult,
  createLifecycle,
  type DeleteAccountResult,
  type FlowContext,
  type ResetPasswordResult,
  type SignedInContext,
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
   * Consumes a verification link's token and marks the email verified. `TokenError`
   * (`TOKEN_INVALID`, `TOKEN_EXPIRED`), `RateLimitError` (`rateLimit.confirm`).
   */
  verifyEmail(token: string): Promise<VerifyEmailResult>;
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
   * Mails a confirmation link to `newEmail`; the address changes only when it is opened. Needs
   * a fresh session. Resolves the same way when the address is taken (no mail is sent then).
   * `ValidationError` (malformed, or already the account's), `RateLimitError` (`rateLimit.email`).
   */
  requestEmailChange(newEmail: string): Promise<void>;
  /**
   * Consumes an email-change token: the new address replaces the old one (verified), the old one
   * is sent a notice, and every session of the user but the caller's own ends. `TokenError`
   * (also when signed in as another user), `ConflictError` (the address was taken meanwhile).
   */
  confirmEmailChange(token: string): Promise<ConfirmEmailChangeResult>;
  /**
   * Deletes the signed-in user at once (fresh session required) with everything that cascades,
   * after `accountDeletion.beforeDelete`; clears the session cookie. `ForbiddenError` when the
   * hook refuses, `UnauthorizedError`, `StaleSessionError`, `RateLimitError` (`rateLimit.confirm`).
   */
  deleteAccount(): Promise<DeleteAccountResult>;
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
export const defaultIsEmailVerified: IsEmailVerified = ({ profile, email }) => {
  if (!profile || typeof profile.email !== "string" || normalizeEmail(profile.email) !== email) return false;
  return profile.email_verified === true || profile.email_verified === "true" || profile.verified_email === true;
};

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
  const clientIP = (requestHeaders: Headers): string | null =>
    (settings.rateLimit.clientIP ?? defaultClientIP)(requestHeaders) ?? null;
  const warn = (message: string, error?: unknown): void => {
    const text = `[@tetrastack/backend/auth] ${message}`;
    if (settings.logger?.error)
      settings.logger.error(new Error(text, error === undefined ? undefined : { cause: error }));
    else if (error === undefined) console.warn(text);
    else console.warn(text, error);
  };

  const store = createSessionStore(db, tables);
  const tokens = createTokenStore(db, tables.verificationTokens);
  const adapter = createAuthAdapter(db, tables, store, tokens);
  const limiter = createLimiter(
    settings.rateLimit.storage === "memory" ? memoryStore() : databaseStore(db, tables.rateLimits),
    { enabled: settings.rateLimit.enabled, lockout: settings.lockout },
  );
  const isEmailVerified = settings.accountLinking.isEmailVerified ?? defaultIsEmailVerified;

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

  async function linkByVerifiedEmail(user: { email?: string | null }, account: AdapterAccount, profile: unknown) {
    if (!settings.accountLinking.enabled || typeof user.email !== "string" || !user.email) return;
    const email = normalizeEmail(user.email);
    const linked = await adapter.getUserByAccount?.({
      provider: account.provider,
      providerAccountId: account.providerAccountId,
    });
    if (linked) return;
    const existing = await adapter.getUserByEmail?.(email);
    if (!existing || !(await vouches(account.provider, profile, email))) return;
    if (!existing.emailVerified) await claimUnverifiedAccount(existing.id);
    const { type, provider, providerAccountId } = account;
    const tokens = ["refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state"];
    const kept = Object.fromEntries(
      tokens.filter((key) => account[key] !== undefined).map((key) => [key, account[key]]),
    );
    await adapter.linkAccount?.({ ...kept, type, provider, providerAccountId, userId: existing.id } as AdapterAccount);
  }

  /**
   * Nobody proved they own this address before: whoever set a password or holds a session on the
   * account may be an attacker who pre-registered it. The verified owner (OAuth provider that
   * vouches, or an email link) takes over.
   */
  async function claimUnverifiedAccount(userId: string): Promise<void> {
    await db.batch([
      db.delete(tables.accounts).where(credentialsAccountOf(tables.accounts, userId)),
      db.delete(tables.sessions).where(eq(tables.sessions.userId, userId)),
      db.update(tables.users).set({ emailVerified: new Date() }).where(eq(tables.users.id, userId)),
    ]);
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
      const errorPage = settings.pages?.error ?? `${settings.basePath}/error`;
      const query = new URLSearchParams({
        error: "AccessDenied",
        code: "RATE_LIMITED",
        retryAfter: `${(error as RateLimitError).retryAfter}`,
      });
      return `${errorPage}?${query}`;
    }
  }

  const callbacks = composeCallbacks(settings.callbacks, {
    ...(!jwtStrategy && settings.credentials && { markCredentialsSessions: CREDENTIALS_PROVIDER_ID }),
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
        if (!existing.emailVerified) await claimUnverifiedAccount(existing.id);
        return true;
      }
      if (account && (account.type === "oauth" || account.type === "oidc")) {
        await linkByVerifiedEmail(user, account as AdapterAccount, profile);
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
      return { ip: null, userAgent: null };
    }
  };
  const withMeta =
    <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> =>
      withRequestMeta(await metaFromNext(), () => handler(...args));

  // Route handlers run inside the request's metadata, for the session rows they create.
  const withRequest =
    (handler: NextAuthResult["handlers"]["GET"]): NextAuthResult["handlers"]["GET"] =>
    (request) =>
      withRequestMeta(requestMetaFrom(request.headers, clientIP), () => handler(request));
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
    signIn: withMeta(nextAuth.signIn) as NextAuthResult["signIn"],
    signOut: nextAuth.signOut,
    unstable_update: nextAuth.unstable_update,
    async getSession() {
      return (await current())?.session ?? null;
    },
    getSessionFromRequest,
    getSessionFromToken,
    async requireUser(options) {
      const found = await current();
      return found ? found.session : deny(new UnauthorizedError("Sign in to continue."), options);
    },
    async requireFreshSession(maxAgeSeconds = settings.session.freshAge, options) {
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
    listSessions: (userId) => store.list(userId),
    revokeSession: (userId, sessionId) => store.revoke(userId, sessionId),
    revokeOtherSessions: (userId, currentSessionId) => store.revokeOthers(userId, currentSessionId),
    revokeAllSessions: (userId) => store.revokeAll(userId),
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
    async verifyEmail(token) {
      return lifecycle.verifyEmail(token, await flowContext());
    },
    async requestPasswordReset(email) {
      return lifecycle.requestPasswordReset(email, await flowContext());
    },
    async resetPassword(token, newPassword) {
      return lifecycle.resetPassword(token, newPassword, await flowContext());
    },
    async changePassword(currentPassword, newPassword) {
      return lifecycle.changePassword(currentPassword, newPassword, await signedInContext("fresh"));
    },
    async requestEmailChange(newEmail) {
      return lifecycle.requestEmailChange(newEmail, await signedInContext("fresh"));
    },
    async confirmEmailChange(token) {
      return lifecycle.confirmEmailChange(token, await flowContext());
    },
    async deleteAccount() {
      const result = await lifecycle.deleteAccount(await signedInContext("fresh"));
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

import type { BatchItem } from "drizzle-orm/batch";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import * as z from "zod";
import type { accounts, authenticators, rateLimits, sessions, users, verificationTokens } from "../database/tables.js";
import { ConfigError, type ErrorIssue } from "../shared/errors.js";
import type { ClientIPSource } from "./client-ip.js";
import type { PasswordPolicy, ScryptParams } from "./password.js";
import { meetsOWASPParams, SCRYPT_BOUNDS, scryptParamsProblem } from "./scrypt-bounds.js";
import type { EmailChangedParams, EmailTemplate, LinkEmailParams, SendEmail } from "./templates.js";

/** Seven days: how long a session lives without activity. */
export const DEFAULT_SESSION_MAX_AGE = 7 * 24 * 60 * 60;
/** One day: how often an active session's expiry is pushed forward (one write per day at most). */
export const DEFAULT_SESSION_UPDATE_AGE = 24 * 60 * 60;
/** Ten minutes: how recent a sign-in must be for changing a password or email, or deleting the account. */
export const DEFAULT_FRESH_AGE = 10 * 60;
/** Browsers cap cookie lifetimes at 400 days, so a longer session could never be kept. */
const MAX_SESSION_AGE = 400 * 24 * 60 * 60;

/** The Auth.js callbacks you may pass; each runs after the library's and composes with it. */
export type AuthCallbacks = NonNullable<NextAuthConfig["callbacks"]>;
/** The Auth.js events you may pass; each runs after the library's. */
export type AuthEvents = NonNullable<NextAuthConfig["events"]>;

/** Session lifetime and storage. */
export interface SessionOptions {
  /**
   * `"database"`: every sign-in (credentials included) is a row in `sessions`, resolved on each
   * request and revocable at once. `"jwt"`: an encrypted cookie, no row and no lookup, but
   * sign-out and revocation cannot end a stolen cookie before it expires.
   * @default "database"
   */
  strategy?: "database" | "jwt";
  /**
   * Seconds a session lives without activity.
   * @default 604800 (7 days)
   */
  maxAge?: number;
  /**
   * Seconds after which an active session's expiry is pushed forward again; shorter than `maxAge`.
   * `0` writes on every request.
   * @default 86400 (1 day)
   */
  updateAge?: number;
  /**
   * Seconds since sign-in within which a session counts as fresh: `changePassword`,
   * `requestEmailChange` and `deleteAccount` refuse older sessions (`SESSION_STALE`), and it is
   * `requireFreshSession()`'s default. `0` means "just signed in" is never enough: only for tests.
   * @default 600 (10 minutes)
   */
  freshAge?: number;
}

/**
 * Decides whether an OAuth provider vouches for the email it returned, which is the only case in
 * which its account is linked to an existing user with that email.
 */
export type IsEmailVerified = (params: {
  provider: string;
  profile: Record<string, unknown> | undefined;
  email: string;
}) => boolean | Promise<boolean>;

/** Options shared by {@link createAuthConfig} (edge-safe, for `proxy.ts`) and `createAuth`. */
export interface AuthConfigOptions {
  /**
   * Secret for CSRF tokens and (with the JWT strategy) session cookies; an array rotates keys,
   * newest first. Required, at least 32 characters in production: `npx auth secret`.
   * @default process.env.AUTH_SECRET
   */
  secret?: string | string[];
  /**
   * Where the route handlers are mounted.
   * @default "/api/auth"
   */
  basePath?: string;
  /**
   * Trust the `Host`/`X-Forwarded-Host` header. Needed behind a proxy; Auth.js also reads
   * `AUTH_TRUST_HOST` and trusts Vercel.
   * @default undefined (Auth.js decides)
   */
  trustHost?: boolean;
  /**
   * Use `__Secure-` cookies with the `Secure` flag.
   * @default true when the request is https
   */
  useSecureCookies?: boolean;
  /**
   * Auth.js OAuth/OIDC/email providers, passed through unchanged. `allowDangerousEmailAccountLinking`
   * is refused: see `accountLinking`.
   * @default []
   */
  providers?: Provider[];
  /**
   * Offer the built-in email + password provider (id `"credentials"`).
   * @default true
   */
  credentials?: boolean;
  /** Session lifetime and storage. */
  session?: SessionOptions;
  /**
   * Your own pages (paths), as in Auth.js.
   * @default Auth.js's built-in pages
   */
  pages?: NextAuthConfig["pages"];
  /**
   * Your callbacks. They run after the library's and see its result: `session` receives the
   * session with `user.id` (and `user.role`) already set, and `user.id` is put back if you drop it.
   * @default {}
   */
  callbacks?: AuthCallbacks;
  /**
   * Your event handlers, run after the library's.
   * @default {}
   */
  events?: AuthEvents;
  /**
   * Cookie overrides, as in Auth.js. A custom session cookie name is honoured by `getSession()`.
   * @default Auth.js's cookies
   */
  cookies?: NextAuthConfig["cookies"];
  /**
   * Auth.js logger.
   * @default console
   */
  logger?: NextAuthConfig["logger"];
  /**
   * Auth.js debug logging.
   * @default false
   */
  debug?: boolean;
  /**
   * Theme of Auth.js's built-in pages.
   * @default Auth.js's theme
   */
  theme?: NextAuthConfig["theme"];
  /**
   * Where `requireUser()`/`requireFreshSession()` redirect a visitor who is not (freshly) signed in.
   * Without it they throw `UnauthorizedError` / `StaleSessionError` instead.
   * @default undefined (throw)
   */
  redirectUnauthenticatedTo?: string;
}

/** The Drizzle libSQL database `/auth` works on, e.g. `createDatabase()` from `/database`. */
// biome-ignore lint/suspicious/noExplicitAny: any schema: the consumer's extended schema is welcome.
export type AuthDatabase = LibSQLDatabase<any>;

/**
 * The tables `/auth` uses. Defaults to the package's own; pass your extended versions (same
 * property names, extra columns allowed). A `role` column on users reaches `session.user.role`.
 */
export interface AuthTables {
  users: typeof users;
  accounts: typeof accounts;
  sessions: typeof sessions;
  verificationTokens: typeof verificationTokens;
  authenticators: typeof authenticators;
  rateLimits: typeof rateLimits;
}

/** Password hashing and policy. */
export interface PasswordOptions extends Partial<PasswordPolicy> {
  /**
   * scrypt cost. Below OWASP's minimum is refused in production; stored hashes weaker than this
   * are rehashed at the next successful sign-in.
   * @default { ln: 17, r: 8, p: 1, keyLength: 32, saltLength: 16 }
   */
  scrypt?: Partial<ScryptParams>;
}

/** One rate limit: at most `perIP` and `perAccount` attempts in each window of `window` seconds. */
export interface RateLimitRule {
  /** Window length in seconds. */
  window?: number;
  /** Attempts allowed per client address (IPv6 counted per /64) in one window. */
  perIP?: number;
  /** Attempts allowed per email address in one window. */
  perAccount?: number;
  /**
   * Attempts allowed in one window from all clients whose address is unknown, together: when
   * `rateLimit.clientIP` names no proxy the app runs behind, or the proxy's header does not hold
   * an address. They share one bucket, so a client cannot escape its limit by sending forged or
   * garbled headers; it is larger than `perIP` because many real users may land in it.
   * @default 10 × perIP
   */
  perUnknownIP?: number;
}

/** Rate limits on sign-in, registration and email sending. */
export interface RateLimitOptions {
  /**
   * Turn every limit off (not advisable outside tests).
   * @default true
   */
  enabled?: boolean;
  /**
   * `"database"` counts in the `rate_limits` table, so every app instance on the database shares
   * one limit. `"memory"` counts per process: an explicit opt-in for single-instance apps.
   * @default "database"
   */
  storage?: "database" | "memory";
  /**
   * Credentials sign-in attempts, successful or not.
   * @default { window: 300, perIP: 30, perAccount: 10 }
   */
  signIn?: RateLimitRule;
  /**
   * `registerUser` calls.
   * @default { window: 3600, perIP: 10, perAccount: 5 }
   */
  register?: RateLimitRule;
  /**
   * Every request that sends a mail: sign-in links (`sendSignInLink` and Auth.js email
   * providers), `requestEmailVerification`, `requestPasswordReset`, `requestEmailChange`,
   * `requestAccountDeletion`. Checked before the mail goes out; per IP across all of them, per
   * recipient for each flow separately.
   * @default { window: 900, perIP: 10, perAccount: 3 }
   */
  email?: RateLimitRule;
  /**
   * Confirming a one-time link (`verifyEmail`, `resetPassword`, `confirmEmailChange`,
   * `confirmAccountDeletion`) and `deleteAccount`; per IP, and per account when signed in.
   * @default { window: 900, perIP: 30, perAccount: 10 }
   */
  confirm?: RateLimitRule;
  /**
   * Where the app runs, which decides how the client address is found for the per-IP limits:
   * `"vercel"`, `"cloudflare"`, `"netlify"`, `"fly"`, `{ forwardedHops: n }` (behind `n` reverse
   * proxies that append to `X-Forwarded-For`), `"direct"` (nothing in front of the app), or your
   * own function. Only what that proxy guarantees is read. A client whose address cannot be
   * trusted counts in one shared bucket (`perUnknownIP`), never in a bucket of its own choosing.
   * Next.js's route handlers and server actions cannot see the socket, and `next start` keeps an
   * `X-Forwarded-For` the client sent, so without a proxy the address cannot be known at all.
   * @default detected on Vercel, Netlify and Fly.io; elsewhere every client is unknown (and a
   * production start logs a warning that per-IP limits are not effective)
   */
  clientIP?: ClientIPSource;
}

/** Per-account lockout after consecutive failed sign-ins. */
export interface LockoutOptions {
  /**
   * Turn the lockout off.
   * @default true
   */
  enabled?: boolean;
  /**
   * Consecutive failures that lock the account.
   * @default 5
   */
  threshold?: number;
  /**
   * Seconds of the first lock; each further failure doubles it.
   * @default 30
   */
  baseSeconds?: number;
  /**
   * Longest lock, in seconds.
   * @default 3600
   */
  maxSeconds?: number;
  /**
   * Seconds without a failure after which the failures are forgotten.
   * @default 86400
   */
  resetAfterSeconds?: number;
  /**
   * OWASP's "device cookies": a browser that signed in to an account before gets a signed cookie,
   * and its attempts have their own rate limit and lockout. The account-wide lock (and budget)
   * then applies to unknown devices only, so an attacker hammering the account from anywhere
   * cannot keep the owner's own browser out. A password reset or a sign-in link marks the browser
   * known too, so the owner always has a way back in.
   * @default true
   */
  knownDevices?: boolean;
  /**
   * Seconds a known-device cookie lasts.
   * @default 15552000 (180 days)
   */
  knownDeviceMaxAge?: number;
}

/** Registration behaviour. */
export interface RegistrationOptions {
  /**
   * When true, `registerUser` with an email that is taken resolves `{ user: null }` after the
   * same work as a real registration, instead of throwing `ConflictError`. Show one message for
   * both ("check your inbox") and do not sign in after registering.
   * @default false
   */
  enumerationSafe?: boolean;
  /**
   * Called (not awaited) when an enumeration-safe registration hits a taken email, e.g. to mail
   * the owner "someone tried to sign up with your address".
   * @default undefined
   */
  onExistingEmail?: (params: { email: string }) => void | Promise<void>;
}

/** Linking OAuth accounts to existing users. */
export interface AccountLinkingOptions {
  /**
   * Link an OAuth account to the user with the same email when the provider vouches for that
   * email. Never by email alone: otherwise Auth.js refuses with `OAuthAccountNotLinked`.
   * @default true
   */
  enabled?: boolean;
  /**
   * Whether the provider vouches for the email. The default trusts `email_verified === true`
   * (OIDC, Google, Apple) and Google's `verified_email === true`; GitHub-style providers that
   * send neither are never linked unless you decide here.
   * @default defaultIsEmailVerified
   */
  isEmailVerified?: IsEmailVerified;
}

/** Email verification of accounts registered with a password. */
export interface EmailVerificationOptions {
  /**
   * Mail the verification link when `registerUser` creates an account.
   * @default the value of `required`
   */
  sendOnSignUp?: boolean;
  /**
   * Refuse credentials sign-in until the email is verified (`requireEmailVerification`): after a
   * right password, sign-in fails with code `EMAIL_NOT_VERIFIED`; offer
   * `requestEmailVerification` to send a new link. Email-link and OAuth sign-ins verify the address.
   * @default false
   */
  required?: boolean;
  /**
   * Seconds the link works.
   * @default 86400 (24 hours)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `verifyEmail(token)`.
   * @default "/verify-email"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.verifyEmail
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** Password reset by email link. */
export interface PasswordResetOptions {
  /**
   * Seconds the link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and posts it with the new password to `resetPassword`.
   * @default "/reset-password"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.resetPassword
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** Changing the account's email: a link to the new address, a notice to the old one. */
export interface EmailChangeOptions {
  /**
   * Seconds the link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `confirmEmailChange(token)` from a button.
   * @default "/confirm-email-change"
   */
  path?: string;
  /**
   * The mail to the new address.
   * @default defaultEmailTemplates.changeEmail
   */
  template?: EmailTemplate<LinkEmailParams>;
  /**
   * The notice to the old address once the change is done.
   * @default defaultEmailTemplates.emailChanged
   */
  noticeTemplate?: EmailTemplate<EmailChangedParams>;
  /**
   * Your page that receives `?token=…` and calls `approveEmailChange(token)` from a button: for
   * accounts without a password, the current address approves a change before the new one is
   * mailed.
   * @default "/approve-email-change"
   */
  approvalPath?: string;
  /**
   * The approval mail to the current address.
   * @default defaultEmailTemplates.approveEmailChange
   */
  approvalTemplate?: EmailTemplate<LinkEmailParams>;
}

/** A users row as `/auth` reads it. */
export type AuthUser = AuthTables["users"]["$inferSelect"];

/**
 * Runs before an account is deleted. Return `false` to refuse (`ForbiddenError`), or Drizzle
 * queries built on `db` (deletes of your own rows, say) to run in the same batch — one
 * transaction — as the deletion of the user: all of them happen or none. Read, call other
 * services, or throw as you need before returning.
 */
export type BeforeDeleteAccount = (params: {
  user: AuthUser;
  db: AuthDatabase;
}) => BeforeDeleteResult | Promise<BeforeDeleteResult>;

/** What {@link BeforeDeleteAccount} returns: `false` refuses; queries join the deletion's batch. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is the common case.
export type BeforeDeleteResult = false | void | readonly BatchItem<"sqlite">[];

/** Deleting the account: at once from a fresh session, or by a confirmation link. */
export interface AccountDeletionOptions {
  /**
   * Seconds the confirmation link works.
   * @default 3600 (1 hour)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…` and calls `confirmAccountDeletion(token)` from a button.
   * @default "/confirm-account-deletion"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.deleteAccount
   */
  template?: EmailTemplate<LinkEmailParams>;
  /**
   * Deletes your own data with the user, or refuses. Rows referencing `users` with
   * `ON DELETE CASCADE` (every table of this package, and `userId()` columns) go anyway.
   * @default undefined
   */
  beforeDelete?: BeforeDeleteAccount;
}

/** Sign-in by email link: Auth.js's email provider (id `"email"`) on this package's tokens. */
export interface EmailSignInOptions {
  /**
   * Offer the provider: `sendSignInLink(email)` or `signIn("email", formData)`.
   * @default false
   */
  enabled?: boolean;
  /**
   * Create the user on first use. When false, a link is only mailed to existing users (the
   * response is the same either way).
   * @default true
   */
  createUsers?: boolean;
  /**
   * Seconds the link works.
   * @default 600 (10 minutes)
   */
  expiresIn?: number;
  /**
   * The mail.
   * @default defaultEmailTemplates.signInLink
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** Options of `createAuth`: the shared ones plus the database and the security settings. */
export interface AuthOptions extends AuthConfigOptions {
  /** The database, e.g. `createDatabase({ url: process.env.DATABASE_URL })`. */
  db: AuthDatabase;
  /**
   * Your extended tables, if any.
   * @default the package's tables
   */
  tables?: Partial<AuthTables>;
  /** Password hashing and policy. */
  password?: PasswordOptions;
  /** Rate limits. */
  rateLimit?: RateLimitOptions;
  /** Lockout after failed sign-ins. */
  lockout?: LockoutOptions;
  /** Registration behaviour. */
  registration?: RegistrationOptions;
  /** Linking OAuth accounts to existing users. */
  accountLinking?: AccountLinkingOptions;
  /**
   * Delivers the account mails (verification, password reset, email change, deletion and
   * sign-in links). Without it, development and tests log each mail to the console and keep it
   * in a dev mailbox; production refuses to start (ConfigError at creation). `false` turns mail off
   * everywhere: the mail flows then throw `MailNotConfiguredError`, and options that need mail
   * (such as `emailVerification.required`) are refused at creation.
   * @default undefined
   */
  sendEmail?: SendEmail | false;
  /**
   * Where links in mails point: your app's public URL (links are `baseURL` + a flow's `path`).
   * Never taken from a request's `Host` header, which an attacker controls. Required in
   * production when `sendEmail` is set, unless `AUTH_URL` is.
   * @default the origin of AUTH_URL, else "http://localhost:3000" outside production
   */
  baseURL?: string;
  /**
   * Your app's name, as the default mails say it.
   * @default the host of `baseURL`
   */
  appName?: string;
  /** Email verification. */
  emailVerification?: EmailVerificationOptions;
  /** Password reset. */
  passwordReset?: PasswordResetOptions;
  /** Email change. */
  emailChange?: EmailChangeOptions;
  /** Account deletion. */
  accountDeletion?: AccountDeletionOptions;
  /** Sign-in by email link. */
  emailSignIn?: EmailSignInOptions;
}

function isFunction(value: unknown): boolean {
  return typeof value === "function";
}

const fn = <T>() => z.custom<T>(isFunction, { error: "must be a function" });
const relativePath = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/, { error: "must be a path starting with a single / (no spaces)" });
const seconds = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);

const providerSchema = z.custom<Provider>(
  (value) => isFunction(value) || (typeof value === "object" && value !== null && "id" in value && "type" in value),
  { error: "must be an Auth.js provider" },
);

const sessionSchema = z
  .strictObject({
    strategy: z.enum(["database", "jwt"]).default("database"),
    maxAge: seconds(60, MAX_SESSION_AGE, DEFAULT_SESSION_MAX_AGE),
    updateAge: seconds(0, MAX_SESSION_AGE, DEFAULT_SESSION_UPDATE_AGE),
    freshAge: seconds(0, MAX_SESSION_AGE, DEFAULT_FRESH_AGE),
  })
  .refine((session) => session.updateAge < session.maxAge, {
    error: "updateAge must be shorter than maxAge",
    path: ["updateAge"],
  });

const pagesSchema = z
  .strictObject({
    signIn: relativePath,
    signOut: relativePath,
    error: relativePath,
    verifyRequest: relativePath,
    newUser: relativePath,
  })
  .partial();

const callbacksSchema = z
  .strictObject({
    signIn: fn<AuthCallbacks["signIn"]>(),
    redirect: fn<AuthCallbacks["redirect"]>(),
    session: fn<AuthCallbacks["session"]>(),
    jwt: fn<AuthCallbacks["jwt"]>(),
    authorized: fn<AuthCallbacks["authorized"]>(),
  })
  .partial();

const eventsSchema = z
  .strictObject({
    signIn: fn<AuthEvents["signIn"]>(),
    signOut: fn<AuthEvents["signOut"]>(),
    createUser: fn<AuthEvents["createUser"]>(),
    updateUser: fn<AuthEvents["updateUser"]>(),
    linkAccount: fn<AuthEvents["linkAccount"]>(),
    session: fn<AuthEvents["session"]>(),
  })
  .partial();

const configShape = {
  secret: z
    .union([z.string(), z.array(z.string()).min(1)])
    .optional()
    .superRefine(checkSecret),
  /** Not an option: `AUTH_URL`/`NEXTAUTH_URL` from the environment, checked here. */
  authURL: z.url({ protocol: /^https?$/, error: "AUTH_URL must be an absolute http(s) URL" }).optional(),
  basePath: relativePath.default("/api/auth"),
  trustHost: z.boolean().optional(),
  useSecureCookies: z.boolean().optional(),
  providers: z.array(providerSchema).superRefine(checkProviders).default([]),
  credentials: z.boolean().default(true),
  session: sessionSchema.prefault({}),
  pages: pagesSchema.optional(),
  callbacks: callbacksSchema.optional(),
  events: eventsSchema.optional(),
  cookies: z.custom<NextAuthConfig["cookies"]>((value) => typeof value === "object" && value !== null).optional(),
  logger: z.custom<NextAuthConfig["logger"]>((value) => typeof value === "object" && value !== null).optional(),
  debug: z.boolean().optional(),
  theme: z.custom<NextAuthConfig["theme"]>((value) => typeof value === "object" && value !== null).optional(),
  redirectUnauthenticatedTo: relativePath.optional(),
};

function isProduction(): boolean {
  // `next build` runs with NODE_ENV=production but without runtime secrets; the server that
  // serves requests validates again when it loads the module.
  return process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build";
}

// Field-level checks (not object-level ones, which zod skips once another field has failed), so
// that one ConfigError names every problem.
function checkSecret(value: string | string[] | undefined, ctx: z.RefinementCtx): void {
  const secrets = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      ctx.addIssue({
        code: "custom",
        message: "is missing: set AUTH_SECRET (generate one with `npx auth secret`) or pass `secret`",
      });
    }
  } else if (isProduction() && secrets.some((secret) => secret.length < 32)) {
    ctx.addIssue({ code: "custom", message: "must be at least 32 characters in production" });
  }
}

function checkProviders(providers: Provider[], ctx: z.RefinementCtx): void {
  providers.forEach((provider, index) => {
    const resolved = (isFunction(provider) ? (provider as () => unknown)() : provider) as {
      allowDangerousEmailAccountLinking?: unknown;
      options?: { allowDangerousEmailAccountLinking?: unknown };
    };
    if (resolved?.allowDangerousEmailAccountLinking || resolved?.options?.allowDangerousEmailAccountLinking) {
      ctx.addIssue({
        code: "custom",
        path: [index],
        message:
          "allowDangerousEmailAccountLinking links accounts by email alone; remove it (accounts are linked when the provider verifies the email, see accountLinking)",
      });
    }
  });
}

/** Settings resolved from {@link AuthConfigOptions}: every default filled in. */
export interface AuthConfigSettings {
  secret?: string | string[] | undefined;
  /** `AUTH_URL`/`NEXTAUTH_URL` from the environment, when set. */
  authURL?: string | undefined;
  basePath: string;
  trustHost?: boolean | undefined;
  useSecureCookies?: boolean | undefined;
  providers: Provider[];
  credentials: boolean;
  session: Required<SessionOptions>;
  pages?: NextAuthConfig["pages"] | undefined;
  callbacks?: AuthCallbacks | undefined;
  events?: AuthEvents | undefined;
  cookies?: NextAuthConfig["cookies"] | undefined;
  logger?: NextAuthConfig["logger"] | undefined;
  debug?: boolean | undefined;
  theme?: NextAuthConfig["theme"] | undefined;
  redirectUnauthenticatedTo?: string | undefined;
}

/**
 * Validation of {@link AuthConfigOptions} (plus `AUTH_SECRET`/`AUTH_URL` from the environment).
 * `createAuthConfig` throws one ConfigError listing every issue.
 */
export const authConfigOptionsSchema: z.ZodType<AuthConfigSettings, unknown> = z.strictObject(configShape);

const template = <P>() => fn<EmailTemplate<P>>().optional();
const isTable = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Symbol.for("drizzle:IsDrizzleTable") in value;
const table = <T>() => z.custom<T>(isTable, { error: "must be a Drizzle table" });

const rateRule = (window: number, perIP: number, perAccount: number) =>
  z
    .strictObject({
      window: seconds(1, 7 * 24 * 60 * 60, window),
      perIP: z.number().int().min(1).default(perIP),
      perAccount: z.number().int().min(1).default(perAccount),
      perUnknownIP: z.number().int().min(1).optional(),
    })
    .transform(({ perUnknownIP, ...rule }) => ({ ...rule, perUnknownIP: perUnknownIP ?? rule.perIP * 10 }))
    .prefault({});

const bounded = ([min, max]: readonly [number, number], fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);
const scryptSchema = z
  .strictObject({
    ln: bounded(SCRYPT_BOUNDS.ln, 17),
    r: bounded(SCRYPT_BOUNDS.r, 8),
    p: bounded(SCRYPT_BOUNDS.p, 1),
    keyLength: bounded(SCRYPT_BOUNDS.keyLength, 32),
    saltLength: bounded(SCRYPT_BOUNDS.saltLength, 16),
  })
  .superRefine((params, ctx) => {
    const problem = scryptParamsProblem(params);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * Validation of {@link AuthOptions}: the shared options, the database and tables, and the
 * password, rate-limit, lockout, registration and account-linking settings.
 */
export const authOptionsSchema: z.ZodType<AuthSettings, unknown> = z.strictObject({
  ...configShape,
  db: z.custom<AuthDatabase>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      isFunction((value as { select?: unknown }).select) &&
      isFunction((value as { batch?: unknown }).batch),
    { error: "must be a Drizzle libSQL database, e.g. createDatabase() from @tetrastack/backend/database" },
  ),
  tables: z
    .strictObject({
      users: table<AuthTables["users"]>(),
      accounts: table<AuthTables["accounts"]>(),
      sessions: table<AuthTables["sessions"]>(),
      verificationTokens: table<AuthTables["verificationTokens"]>(),
      authenticators: table<AuthTables["authenticators"]>(),
      rateLimits: table<AuthTables["rateLimits"]>(),
    })
    .partial()
    .optional(),
  password: z
    .strictObject({
      minLength: z.number().int().min(8).max(1024).default(8),
      maxLength: z.number().int().min(8).max(1024).default(128),
      scrypt: scryptSchema.prefault({}),
    })
    .refine((password) => password.minLength <= password.maxLength, {
      error: "minLength must not exceed maxLength",
      path: ["minLength"],
    })
    .refine((password) => !isProduction() || meetsOWASPParams(password.scrypt), {
      error: "scrypt parameters are below OWASP's minimum (ln=17, r=8, p=1 or an equivalent) in production",
      path: ["scrypt"],
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      enabled: z.boolean().default(true),
      storage: z.enum(["database", "memory"]).default("database"),
      signIn: rateRule(300, 30, 10),
      register: rateRule(3600, 10, 5),
      email: rateRule(900, 10, 3),
      confirm: rateRule(900, 30, 10),
      clientIP: z
        .union([
          z.enum(["vercel", "cloudflare", "netlify", "fly", "direct"]),
          z.strictObject({ forwardedHops: z.number().int().min(1).max(10) }),
          fn<(headers: Headers) => string | null | undefined>(),
        ])
        .optional(),
    })
    .prefault({}),
  lockout: z
    .strictObject({
      enabled: z.boolean().default(true),
      threshold: z.number().int().min(1).max(100).default(5),
      baseSeconds: seconds(1, 86400, 30),
      maxSeconds: seconds(1, 7 * 86400, 3600),
      resetAfterSeconds: seconds(1, 30 * 86400, 86400),
      knownDevices: z.boolean().default(true),
      knownDeviceMaxAge: seconds(60, 400 * 86400, 180 * 86400),
    })
    .refine((lockout) => lockout.baseSeconds <= lockout.maxSeconds, {
      error: "baseSeconds must not exceed maxSeconds",
      path: ["baseSeconds"],
    })
    .prefault({}),
  registration: z
    .strictObject({
      enumerationSafe: z.boolean().default(false),
      onExistingEmail: fn<NonNullable<RegistrationOptions["onExistingEmail"]>>().optional(),
    })
    .prefault({}),
  accountLinking: z
    .strictObject({ enabled: z.boolean().default(true), isEmailVerified: fn<IsEmailVerified>().optional() })
    .prefault({}),
  sendEmail: z.union([z.literal(false), fn<SendEmail>()]).optional(),
  baseURL: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).optional(),
  appName: z.string().trim().min(1).max(100).optional(),
  emailVerification: z
    .strictObject({
      sendOnSignUp: z.boolean().optional(),
      required: z.boolean().default(false),
      expiresIn: seconds(60, 30 * 86400, 86400),
      path: relativePath.default("/verify-email"),
      template: template<LinkEmailParams>(),
    })
    .transform(({ sendOnSignUp, ...rest }) => ({ ...rest, sendOnSignUp: sendOnSignUp ?? rest.required }))
    .prefault({}),
  passwordReset: z
    .strictObject({
      expiresIn: seconds(60, 86400, 3600),
      path: relativePath.default("/reset-password"),
      template: template<LinkEmailParams>(),
    })
    .prefault({}),
  emailChange: z
    .strictObject({
      expiresIn: seconds(60, 7 * 86400, 3600),
      path: relativePath.default("/confirm-email-change"),
      template: template<LinkEmailParams>(),
      noticeTemplate: template<EmailChangedParams>(),
      approvalPath: relativePath.default("/approve-email-change"),
      approvalTemplate: template<LinkEmailParams>(),
    })
    .prefault({}),
  accountDeletion: z
    .strictObject({
      expiresIn: seconds(60, 7 * 86400, 3600),
      path: relativePath.default("/confirm-account-deletion"),
      template: template<LinkEmailParams>(),
      beforeDelete: fn<BeforeDeleteAccount>().optional(),
    })
    .prefault({}),
  emailSignIn: z
    .strictObject({
      enabled: z.boolean().default(false),
      createUsers: z.boolean().default(true),
      expiresIn: seconds(60, 86400, 600),
      template: template<LinkEmailParams>(),
    })
    .prefault({}),
});

/** Settings resolved from {@link AuthOptions}: every default filled in. */
export interface AuthSettings extends AuthConfigSettings {
  db: AuthDatabase;
  tables?: Partial<AuthTables> | undefined;
  password: PasswordPolicy & { scrypt: ScryptParams };
  rateLimit: {
    enabled: boolean;
    storage: "database" | "memory";
    signIn: Required<RateLimitRule>;
    register: Required<RateLimitRule>;
    email: Required<RateLimitRule>;
    confirm: Required<RateLimitRule>;
    clientIP?: ClientIPSource | undefined;
  };
  lockout: Required<LockoutOptions>;
  registration: { enumerationSafe: boolean; onExistingEmail?: RegistrationOptions["onExistingEmail"] | undefined };
  accountLinking: { enabled: boolean; isEmailVerified?: IsEmailVerified | undefined };
  sendEmail?: SendEmail | false | undefined;
  baseURL?: string | undefined;
  appName?: string | undefined;
  emailVerification: {
    sendOnSignUp: boolean;
    required: boolean;
    expiresIn: number;
    path: string;
    template?: EmailTemplate<LinkEmailParams> | undefined;
  };
  passwordReset: { expiresIn: number; path: string; template?: EmailTemplate<LinkEmailParams> | undefined };
  emailChange: {
    expiresIn: number;
    path: string;
    template?: EmailTemplate<LinkEmailParams> | undefined;
    noticeTemplate?: EmailTemplate<EmailChangedParams> | undefined;
    approvalPath: string;
    approvalTemplate?: EmailTemplate<LinkEmailParams> | undefined;
  };
  accountDeletion: {
    expiresIn: number;
    path: string;
    template?: EmailTemplate<LinkEmailParams> | undefined;
    beforeDelete?: BeforeDeleteAccount | undefined;
  };
  emailSignIn: {
    enabled: boolean;
    createUsers: boolean;
    expiresIn: number;
    template?: EmailTemplate<LinkEmailParams> | undefined;
  };
}

/**
 * @internal Checks across options that zod's field-level validation cannot see: mail settings.
 * Throws one ConfigError naming every problem.
 */
export function checkMailSettings(settings: AuthSettings, factory: string): void {
  const issues: ErrorIssue[] = [];
  const needsMail: [path: string, on: boolean][] = [
    ["emailVerification.required", settings.emailVerification.required],
    ["emailVerification.sendOnSignUp", settings.emailVerification.sendOnSignUp],
    ["emailSignIn.enabled", settings.emailSignIn.enabled],
  ];
  if (settings.sendEmail === undefined && isProduction()) {
    // Refuse to start rather than fail the first password reset: production must say how mail goes out.
    issues.push({
      path: "sendEmail",
      message:
        "is missing: pass a sendEmail function (only development logs mails to the console), or sendEmail: false for an app without account mails",
    });
  } else if (settings.sendEmail === false) {
    for (const [path, on] of needsMail) if (on) issues.push({ path, message: "needs mail, but sendEmail is false" });
  }
  if (typeof settings.sendEmail === "function" && isProduction() && !settings.baseURL && !settings.authURL) {
    issues.push({
      path: "baseURL",
      message:
        "is missing: set AUTH_URL or pass baseURL (links in mails are built from it, never from the Host header)",
    });
  }
  if (issues.length > 0) {
    const described = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ConfigError(`${factory}: invalid options: ${described}`, { issues });
  }
}

/** @internal Whether the code runs in production (and not in `next build`). */
export function inProduction(): boolean {
  return isProduction();
}

/** @internal The options with `AUTH_SECRET`/`AUTH_URL` from the environment filled in, ready to validate. */
export function withEnv<T extends { secret?: string | string[] }>(options: T): T & { authURL?: string } {
  if (typeof options !== "object" || options === null) return options;
  const secret = options.secret ?? process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  const authURL = process.env.AUTH_URL || process.env.NEXTAUTH_URL || undefined;
  return { ...options, secret, authURL };
}

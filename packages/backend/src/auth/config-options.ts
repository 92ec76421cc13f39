import * as z from "zod";
import { env } from "../shared/env.js";
import { fnSchema as fn, isFunction, relativePathSchema as relativePath } from "../shared/schemas.js";
import type {
  AuthCallbacks,
  AuthCookies,
  AuthEvents,
  AuthLogger,
  AuthTheme,
  NextAuthConfig,
  Provider,
} from "./authjs/types.js";
import { type SessionOptions, sessionOptionsSchema } from "./session/options.js";

// The options `createAuthConfig` (edge-safe, for `proxy.ts`) shares with `createAuth`. This module
// and what it imports stay free of database and node: code: the proxy imports it.

/** Options shared by {@link createAuthConfig} (edge-safe, for `proxy.ts`) and `createAuth`. */
export interface AuthConfigOptions {
  /**
   * Secret for CSRF tokens and (with the JWT strategy) session cookies; an array rotates keys,
   * newest first. Required, at least 32 characters in production: `openssl rand -base64 33`
   * prints one. (`npx auth secret` now runs Better Auth's CLI, which prints `BETTER_AUTH_SECRET`,
   * a name Auth.js never reads.)
   * @default process.env.AUTH_SECRET, else process.env.NEXTAUTH_SECRET
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
   * @default `{}`
   */
  callbacks?: AuthCallbacks;
  /**
   * Your event handlers, run after the library's.
   * @default `{}`
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

const providerSchema: z.ZodType<Provider, Provider> = z.custom<Provider>(
  (value) => isFunction(value) || (typeof value === "object" && value !== null && "id" in value && "type" in value),
  { error: "must be an Auth.js provider" },
);

const pagesSchema = z
  .strictObject({
    signIn: relativePath,
    signOut: relativePath,
    error: relativePath,
    verifyRequest: relativePath,
    newUser: relativePath,
  })
  .partial();

const callbacksSchema: z.ZodType<AuthCallbacks, AuthCallbacks> = z
  .strictObject({
    signIn: fn<AuthCallbacks["signIn"]>(),
    redirect: fn<AuthCallbacks["redirect"]>(),
    session: fn<AuthCallbacks["session"]>(),
    jwt: fn<AuthCallbacks["jwt"]>(),
    authorized: fn<AuthCallbacks["authorized"]>(),
  })
  .partial();

const eventsSchema: z.ZodType<AuthEvents, AuthEvents> = z
  .strictObject({
    signIn: fn<AuthEvents["signIn"]>(),
    signOut: fn<AuthEvents["signOut"]>(),
    createUser: fn<AuthEvents["createUser"]>(),
    updateUser: fn<AuthEvents["updateUser"]>(),
    linkAccount: fn<AuthEvents["linkAccount"]>(),
    session: fn<AuthEvents["session"]>(),
  })
  .partial();

/** An Auth.js option object, passed through as it is. */
const objectOf = <T>(): z.ZodType<T, T> => z.custom<T>((value) => typeof value === "object" && value !== null);

/** @internal The shape of {@link AuthConfigOptions}, which `createAuth`'s schema extends. */
export const configShape = {
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
  session: sessionOptionsSchema,
  pages: pagesSchema.optional(),
  callbacks: callbacksSchema.optional(),
  events: eventsSchema.optional(),
  cookies: objectOf<AuthCookies>().optional(),
  logger: objectOf<AuthLogger>().optional(),
  debug: z.boolean().optional(),
  theme: objectOf<AuthTheme>().optional(),
  redirectUnauthenticatedTo: relativePath.optional(),
};

/** A command that prints a good secret on any machine with OpenSSL (macOS, Linux, Git Bash). */
const PRINT_SECRET = "`openssl rand -base64 33`";

// Field-level checks (not object-level ones, which zod skips once another field has failed), so
// that one ConfigError names every problem.
function checkSecret(value: string | string[] | undefined, ctx: z.RefinementCtx): void {
  const secrets = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    if (!env.isBuildPhase()) ctx.addIssue({ code: "custom", message: missingSecretMessage() });
  } else if (env.isProduction() && secrets.some((secret) => secret.length < 32)) {
    ctx.addIssue({
      code: "custom",
      message: `must be at least 32 characters in production: set AUTH_SECRET to a new random value (${PRINT_SECRET} prints one)`,
    });
  }
}

function missingSecretMessage(): string {
  const fix = `set AUTH_SECRET to at least 32 random characters (${PRINT_SECRET} prints one) or pass \`secret\``;
  // `npx auth secret` is now Better Auth's CLI: its BETTER_AUTH_SECRET is a name Auth.js never reads.
  return env.hasBetterAuthSecret()
    ? `is missing: BETTER_AUTH_SECRET is set, but Auth.js reads AUTH_SECRET, which is not: ${fix}`
    : `is missing: ${fix}`;
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

/**
 * Validation of {@link AuthConfigOptions} (plus `AUTH_SECRET`/`AUTH_URL` from the environment).
 * `createAuthConfig` throws one ConfigError listing every issue.
 */
export const authConfigOptionsSchema: z.ZodType<AuthConfigSettings, unknown> = z.strictObject(configShape);

/** Settings resolved from {@link AuthConfigOptions}: every default filled in. */
export type AuthConfigSettings = z.output<z.ZodObject<typeof configShape>>;

/** @internal The options with `AUTH_SECRET`/`AUTH_URL` from the environment filled in, ready to validate. */
export function withEnv<T extends { secret?: string | string[] }>(options: T): T & { authURL?: string } {
  if (typeof options !== "object" || options === null) return options;
  return { ...options, secret: options.secret ?? env.authSecret(), authURL: env.authURL() };
}

import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { assertArgument, isOptionalObject, parseOptions } from "../shared/validate.js";
import { composeCallbacks, type SharedConfig } from "./callbacks.js";
import { type AuthConfigOptions, type AuthConfigSettings, authConfigOptionsSchema, withEnv } from "./options.js";

/** The id of the built-in email + password provider: `signIn("credentials", formData)`. */
export const CREDENTIALS_PROVIDER_ID = "credentials";

/** A database session cookie: 32 random bytes, base64url. */
const SESSION_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const RAW_TOKEN = "tetrastack.sessionToken";

/** @internal Settings every config shares, in Auth.js's vocabulary. */
export function sharedConfig(settings: AuthConfigSettings): SharedConfig {
  const secret = settings.secret;
  return {
    ...(secret !== undefined && { secret }),
    basePath: settings.basePath,
    ...(settings.trustHost !== undefined && { trustHost: settings.trustHost }),
    ...(settings.useSecureCookies !== undefined && { useSecureCookies: settings.useSecureCookies }),
    ...(settings.pages && { pages: settings.pages }),
    ...(settings.cookies && { cookies: settings.cookies }),
    ...(settings.logger && { logger: settings.logger }),
    ...(settings.debug !== undefined && { debug: settings.debug }),
    ...(settings.theme && { theme: settings.theme }),
  };
}

/**
 * The edge-safe Auth.js config (no adapter, no database code), for `proxy.ts`/middleware.
 *
 * - JWT strategy: a full config. `NextAuth(createAuthConfig(options)).auth` reads the same
 *   cookies `createAuth` writes, with the same callbacks.
 * - Database strategy (the default): the proxy cannot see the database, so `auth` there only
 *   reports that a well-formed session cookie is present (`{ expires, user: undefined }`) and
 *   keeps that cookie's lifetime sliding. It never proves the session is alive: check that with
 *   `getSession()`/`requireUser()` where the data is read. Unlike a plain adapter-less Auth.js
 *   config, it never clears the database session cookie (next-auth issue #11506).
 *
 * @example
 * // proxy.ts
 * const { auth } = NextAuth(createAuthConfig(authOptions))
 * export const proxy = auth((req) => { if (!req.auth) return Response.redirect(new URL("/login", req.url)) })
 */
export function createAuthConfig(options: AuthConfigOptions): NextAuthConfig {
  const settings = parseOptions(authConfigOptionsSchema, withEnv(options), "createAuthConfig");
  const providers = [...settings.providers];
  if (settings.credentials) {
    // Listed so both configs know the same providers; signing in happens in createAuth only.
    providers.unshift(
      Credentials({ id: CREDENTIALS_PROVIDER_ID, credentials: credentialFields, authorize: () => null }),
    );
  }
  if (settings.session.strategy === "jwt") {
    return {
      ...sharedConfig(settings),
      providers,
      session: { strategy: "jwt", maxAge: settings.session.maxAge, updateAge: settings.session.updateAge },
      callbacks: composeCallbacks(settings.callbacks),
      ...(settings.events && { events: settings.events }),
    };
  }
  return {
    ...sharedConfig(settings),
    providers,
    session: { strategy: "jwt", maxAge: settings.session.maxAge },
    jwt: {
      // Presence only: the opaque database token is carried through unchanged, never decoded.
      async decode({ token }) {
        return typeof token === "string" && SESSION_TOKEN_SHAPE.test(token) ? { [RAW_TOKEN]: token } : null;
      },
      async encode({ token }) {
        const raw = token?.[RAW_TOKEN];
        return typeof raw === "string" ? raw : "";
      },
    },
    callbacks: {
      jwt: ({ token }) => token,
      session: ({ session }) => ({ expires: session.expires, user: undefined }) as never,
      ...(settings.callbacks?.authorized && { authorized: settings.callbacks.authorized }),
      ...(settings.callbacks?.redirect && { redirect: settings.callbacks.redirect }),
    },
  };
}

/** @internal The form fields of the credentials provider (used by Auth.js's built-in sign-in page). */
export const credentialFields = {
  email: { label: "Email", type: "email", autocomplete: "username" },
  password: { label: "Password", type: "password", autocomplete: "current-password" },
} as const;

/** Cookie settings that decide the session cookie's name. */
export interface SessionCookieOptions {
  /**
   * As passed to `createAuth`/`createAuthConfig`.
   * @default undefined (by the request's protocol)
   */
  useSecureCookies?: boolean;
  /**
   * As passed to `createAuth`/`createAuthConfig`; a custom `sessionToken.name` wins.
   * @default Auth.js's cookies
   */
  cookies?: NextAuthConfig["cookies"];
}

/**
 * The session cookie's name: your `cookies.sessionToken.name`, else `authjs.session-token`, with
 * the `__Secure-` prefix when cookies are secure (by default: when the site is served over https,
 * judged as Auth.js does from `AUTH_URL` or the request URL).
 */
export function sessionCookieName(secure: boolean, options: SessionCookieOptions = {}): string {
  assertArgument(typeof secure === "boolean", "sessionCookieName", "secure", "a boolean");
  assertArgument(isOptionalObject(options), "sessionCookieName", "options", "an object");
  const custom = options.cookies?.sessionToken?.name;
  if (custom) return custom;
  return `${(options.useSecureCookies ?? secure) ? "__Secure-" : ""}authjs.session-token`;
}

/** @internal Whether Auth.js would use secure cookies for this request URL. */
export function isSecureURL(requestURL: string): boolean {
  const base = process.env.AUTH_URL || process.env.NEXTAUTH_URL || requestURL;
  try {
    return new URL(base).protocol === "https:";
  } catch {
    return false;
  }
}

/** @internal The value of cookie `name` in a `Cookie` header (Auth.js may chunk long JWTs as `.0`, `.1`…). */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let chunks: [number, string][] | undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    const key = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (key === name) return safeDecode(value);
    if (key.startsWith(`${name}.`)) {
      const n = Number(key.slice(name.length + 1));
      if (Number.isInteger(n)) {
        chunks ??= [];
        chunks.push([n, safeDecode(value)]);
      }
    }
  }
  return chunks
    ?.sort((a, b) => a[0] - b[0])
    .map(([, value]) => value)
    .join("");
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * An optimistic check for `proxy.ts`: whether the request carries a session cookie at all. It
 * proves nothing about the session (which may be expired or revoked); use it to redirect obvious
 * visitors early, and check with `getSession()` where data is read.
 *
 * @example
 * export function proxy(req: NextRequest) { if (!hasSessionCookie(req)) return NextResponse.redirect(new URL("/login", req.url)) }
 */
export function hasSessionCookie(request: Request, options: SessionCookieOptions = {}): boolean {
  assertArgument(request instanceof Request, "hasSessionCookie", "request", "a Request");
  assertArgument(isOptionalObject(options), "hasSessionCookie", "options", "an object");
  const name = sessionCookieName(isSecureURL(request.url), options);
  return Boolean(readCookie(request.headers.get("cookie"), name));
}

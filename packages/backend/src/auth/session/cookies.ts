import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { env } from "../../shared/env.js";
import type { NextAuthConfig } from "../authjs/types.js";

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

/**
 * @internal The one answer to "is this request secure?", as Auth.js decides it: `AUTH_URL` when
 * set, else the request URL's protocol, else (a Server Component or Action, which has only
 * headers) `X-Forwarded-Proto`, which Next sets, defaulting to https.
 */
export function isSecureRequest(request: { url?: string | undefined; headers?: Headers | undefined }): boolean {
  const base = env.authURL() ?? request.url;
  if (base) {
    try {
      return new URL(base).protocol === "https:";
    } catch {
      return false;
    }
  }
  return (request.headers?.get("x-forwarded-proto") ?? "https").replace(/:$/, "") === "https";
}

/** @internal The value of cookie `name` in a `Cookie` header (Auth.js may chunk long JWTs as `.0`, `.1`…). */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
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
 * @internal The attributes of the session cookie as Auth.js sets it (`HttpOnly`, `SameSite=Lax`,
 * `Secure` on https), with your `cookies.sessionToken.options`: also used for the known-device cookie.
 */
export function sessionCookieAttributes(
  options: SessionCookieOptions,
  secure: boolean,
): CookieAttributes & Record<string, unknown> {
  return {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: options.useSecureCookies ?? secure,
    ...options.cookies?.sessionToken?.options,
  };
}

/** @internal Attributes of a cookie this package sets itself. */
export interface CookieAttributes {
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none" | boolean;
  maxAge?: number;
  expires?: Date;
}

/** @internal A `Set-Cookie` header value. */
export function serializeCookie(name: string, value: string, options: CookieAttributes): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? "/"}`];
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (typeof options.sameSite === "string") {
    parts.push(`SameSite=${options.sameSite[0]?.toUpperCase()}${options.sameSite.slice(1)}`);
  }
  return parts.join("; ");
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
  const name = sessionCookieName(isSecureRequest(request), options);
  return Boolean(readCookie(request.headers.get("cookie"), name));
}

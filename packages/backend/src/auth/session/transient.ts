import { readCookie, type SessionCookieOptions } from "./cookies.js";
import { hashSessionToken } from "./token.js";

// A session cookie that ends with the browser (`rememberMe: false` in the JSON API) has no
// `Expires`, but the browser sends no attributes back: when the session slides forward, whoever
// writes the cookie again must know not to give it an expiry. A companion cookie says so. It
// names the token it is for (a prefix of its hash), so a later sign-in that remembers the
// browser is not made transient by a stale companion. Its name must not start with the session
// cookie's: Auth.js reads every cookie with that prefix as a chunk of the session token.

/** @internal The companion cookie of a session that ends with the browser. */
export function transientCookieName(secure: boolean, options: SessionCookieOptions): string {
  return `${(options.useSecureCookies ?? secure) ? "__Secure-" : ""}tetrastack.transient-session`;
}

/** @internal The companion cookie's value for `token`: not the token, only a short prefix of its hash. */
export function transientMarker(token: string): string {
  return hashSessionToken(token).slice(0, 16);
}

/** @internal Whether the request's session cookie for `token` was set to end with the browser. */
export function isTransientSession(
  cookieHeader: string | null | undefined,
  token: string,
  cookie: { secure: boolean; options: SessionCookieOptions },
): boolean {
  return readCookie(cookieHeader, transientCookieName(cookie.secure, cookie.options)) === transientMarker(token);
}

import type { APIRequestState } from "../request/scope.js";
import { APIFailure } from "./http.js";

// Who may call the JSON API from a browser page. A cookie is sent by the browser whoever's page
// asks, so a request the session cookie authenticates must say where it comes from; a bearer
// token is sent only by code that holds it, and a page on another origin cannot even attach one
// without a CORS preflight, which only trusted origins pass.

/** @internal The origins a request may come from, and the CORS answers that follow from them. */
export interface OriginPolicy {
  /** The origin the request claims (`Origin`, else `Referer`'s), `"null"` as sent, or null. */
  claimed(request: Request): string | null;
  /** Whether `origin` is the app's own or one of `api.trustedOrigins`. */
  isTrusted(origin: string, request: Request): boolean;
  /**
   * Refuses a state-changing request (403) whose claimed origin is untrusted, and one that the
   * session cookie authenticates without saying where it comes from (better-auth's codes).
   */
  checkStateChanging(request: Request, state: APIRequestState): void;
  /** A callback URL the answer may name: a path on this site, or a URL on a trusted origin. */
  checkCallbackURL(value: string | undefined, request: Request, code?: string): string | undefined;
  /** The CORS headers of an answer to this request. */
  corsHeaders(request: Request): Record<string, string>;
  /** The answer to an `OPTIONS` request: a preflight from a trusted origin, or a refusal. */
  preflight(request: Request): { status: number; headers: Record<string, string> };
}

const METHODS = "GET, POST, OPTIONS";
const EXPOSED = "set-auth-token";
/** Header names a preflight may ask for: tokens only, so nothing odd is echoed back. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const { origin } = new URL(url);
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * @internal The origin policy. The app's own origins are those of `baseURL`, `AUTH_URL` and the
 * request's URL (a browser's request carries the site's real host, so a page elsewhere cannot
 * pass for it), plus `trustedOrigins`.
 */
export function createOriginPolicy(options: {
  trustedOrigins: readonly string[];
  baseURL?: string | undefined;
  authURL?: string | undefined;
}): OriginPolicy {
  const fixed = new Set<string>(options.trustedOrigins);
  for (const url of [options.baseURL, options.authURL]) {
    const origin = originOf(url);
    if (origin) fixed.add(origin);
  }

  const isTrusted = (origin: string, request: Request): boolean =>
    fixed.has(origin) || origin === originOf(request.url);

  function claimed(request: Request): string | null {
    const origin = request.headers.get("origin");
    if (origin) return origin === "null" ? "null" : (originOf(origin) ?? "null");
    const referer = request.headers.get("referer");
    return referer ? (originOf(referer) ?? "null") : null;
  }

  return {
    claimed,
    isTrusted,
    checkStateChanging(request, state) {
      const origin = claimed(request);
      if (origin !== null) {
        if (origin === "null" || !isTrusted(origin, request))
          throw new APIFailure(403, "INVALID_ORIGIN", "Invalid origin");
        return;
      }
      // No origin at all: fine for clients that authenticate with a bearer token or not at all,
      // not for a request the session cookie would authenticate.
      if (state.token?.from === "cookie") {
        throw new APIFailure(403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin");
      }
    },
    checkCallbackURL(value, request, code = "INVALID_CALLBACK_URL") {
      if (value === undefined || value === "") return undefined;
      if (/^\/(?![/\\])[^\s]*$/.test(value)) return value;
      const origin = originOf(value);
      if (origin && /^https?:/.test(origin) && isTrusted(origin, request) && !/\s/.test(value)) return value;
      throw new APIFailure(403, code, "Invalid callbackURL");
    },
    corsHeaders(request) {
      const origin = request.headers.get("origin");
      const headers: Record<string, string> = { "access-control-expose-headers": EXPOSED, vary: "Origin" };
      if (origin && originOf(origin) === origin && isTrusted(origin, request)) {
        headers["access-control-allow-origin"] = origin;
        headers["access-control-allow-credentials"] = "true";
      }
      return headers;
    },
    preflight(request): { status: number; headers: Record<string, string> } {
      const origin = request.headers.get("origin");
      if (!origin) return { status: 204, headers: { allow: METHODS } };
      if (originOf(origin) !== origin || !isTrusted(origin, request))
        return { status: 403, headers: { vary: "Origin" } };
      const asked = request.headers.get("access-control-request-headers")?.trim();
      return {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-credentials": "true",
          "access-control-allow-methods": METHODS,
          "access-control-allow-headers": asked && HEADER_LIST.test(asked) ? asked : "content-type, authorization",
          "access-control-expose-headers": EXPOSED,
          "access-control-max-age": "600",
          vary: "Origin, Access-Control-Request-Headers",
        },
      };
    },
  };
}

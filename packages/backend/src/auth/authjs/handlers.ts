import type { NextAuthResult } from "next-auth";
import type { AuthCore, Caller } from "../context.js";
import { type RequestMeta, requestMetaFrom, settleDeferredWrites, withRequestMeta } from "../request/scope.js";
import {
  isSecureRequest,
  readCookie,
  serializeCookie,
  sessionCookieAttributes,
  sessionCookieName,
} from "../session/cookies.js";
import { isTransientSession } from "../session/transient.js";
import type { AuthJs } from "./config.js";
import { untrustedHostError, untrustedHostResponse } from "./untrusted-host.js";

/**
 * A session cookie made to end with the browser (`rememberMe: false` in the JSON API) that
 * Auth.js writes again as its session slides (`/session`) keeps ending with the browser: its
 * `Expires`/`Max-Age` are dropped. Other cookies, and the session cookie's deletion, pass as set.
 */
function keepTransient(headers: Headers, name: string, token: string): void {
  const cookies = headers.getSetCookie();
  headers.delete("set-cookie");
  for (const cookie of cookies) {
    const rewritten = cookie.startsWith(`${name}=${token};`)
      ? cookie.replace(/;\s*(Expires|Max-Age)=[^;]*/gi, "")
      : cookie;
    headers.append("set-cookie", rewritten);
  }
}

/**
 * @internal Auth.js's entry points, each run inside the request's metadata (`request/scope.ts`):
 * the address and user agent for the session rows it creates, the session cookie for the signIn
 * callback's view of who is signed in, and afterwards the known-device cookie for an account the
 * request proved itself for (a right password, a sign-in link). When Auth.js does not trust the
 * host, they answer that (`untrusted-host.ts`) instead of letting it fail with a JSON page.
 */
export function wrapEntryPoints(
  core: AuthCore,
  authjs: Pick<AuthJs, "nextAuth" | "trustsHost">,
  next: {
    caller: Pick<Caller, "atRequestTime">;
    requestMeta(): Promise<RequestMeta>;
    setKnownDeviceCookie(account: string): Promise<void>;
  },
): Pick<NextAuthResult, "handlers" | "auth" | "signIn" | "signOut"> {
  const { settings, knownDevices } = core;
  const { nextAuth } = authjs;

  /** The known-device cookie for the account this request proved itself for, if any. */
  function knownDeviceCookie(meta: RequestMeta, secure: boolean) {
    if (!knownDevices || !meta.knownDeviceFor) return null;
    return {
      name: knownDevices.cookieName(secure),
      value: knownDevices.issue(meta.cookieHeader, secure, meta.knownDeviceFor),
      attributes: { ...sessionCookieAttributes(settings, secure), secure, maxAge: knownDevices.maxAge },
    };
  }

  const withRequest =
    (handler: NextAuthResult["handlers"]["GET"]): NextAuthResult["handlers"]["GET"] =>
    async (request) => {
      if (!authjs.trustsHost()) return untrustedHostResponse(request, settings, core.logger.warn);
      const secure = isSecureRequest(request);
      const meta: RequestMeta = {
        ...requestMetaFrom(request.headers, core.clientIP),
        sessionToken: readCookie(request.headers.get("cookie"), sessionCookieName(secure, settings)),
      };
      let response: Awaited<ReturnType<typeof handler>>;
      try {
        response = await withRequestMeta(meta, () => handler(request));
      } finally {
        // What a sign-in owes that no session row took (a refused sign-in, the JWT strategy).
        await settleDeferredWrites(meta);
      }
      const cookie = knownDeviceCookie(meta, secure);
      const transient =
        meta.sessionToken !== undefined &&
        isTransientSession(meta.cookieHeader, meta.sessionToken, { secure, options: settings });
      if (!cookie && !transient) return response;
      const marked = new Response(response.body, response);
      if (transient) keepTransient(marked.headers, sessionCookieName(secure, settings), meta.sessionToken as string);
      if (cookie) marked.headers.append("set-cookie", serializeCookie(cookie.name, cookie.value, cookie.attributes));
      return marked as typeof response;
    };

  // Server-action signIn: in the request's metadata, and marking the browser known on success
  // (which Auth.js signals by throwing its redirect).
  const signIn = (async (...args: Parameters<NextAuthResult["signIn"]>) => {
    if (!authjs.trustsHost()) throw untrustedHostError(core.logger.warn);
    const meta: RequestMeta = { ...(await next.requestMeta()) };
    try {
      return await withRequestMeta(meta, () => nextAuth.signIn(...args));
    } finally {
      await settleDeferredWrites(meta);
      if (meta.knownDeviceFor) await next.setKnownDeviceCookie(meta.knownDeviceFor);
    }
  }) as NextAuthResult["signIn"];

  // Under an untrusted host next-auth's signOut would fail on Auth.js's JSON answer (a TypeError).
  const signOut = (async (...args: Parameters<NextAuthResult["signOut"]>) => {
    if (!authjs.trustsHost()) throw untrustedHostError(core.logger.warn);
    return nextAuth.signOut(...args);
  }) as NextAuthResult["signOut"];

  // `auth()` in a Server Component: Auth.js checks the session's expiry against the clock, so
  // the render is marked request-time first, as getSession() does (Cache Components). Called
  // with arguments (a middleware or route handler wrapper) it is Auth.js's own.
  const auth = ((...args: unknown[]) => {
    const authjsAuth = nextAuth.auth as (...args: unknown[]) => unknown;
    if (args.length > 0) return authjsAuth(...args);
    return (next.caller.atRequestTime?.() ?? Promise.resolve()).then(() => authjsAuth());
  }) as NextAuthResult["auth"];

  return {
    handlers: { GET: withRequest(nextAuth.handlers.GET), POST: withRequest(nextAuth.handlers.POST) },
    auth,
    signIn,
    signOut,
  };
}

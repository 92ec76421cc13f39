import { StaleSessionError, UnauthorizedError } from "../../shared/errors.js";
import type { AuthCore, Caller, FlowContext, SessionAccess, SignedInContext } from "../context.js";
import { type APIRequestState, currentRequestMeta, type RequestMeta } from "../request/scope.js";
import { readCookie, serializeCookie, sessionCookieAttributes, sessionCookieName } from "../session/cookies.js";
import type { ResolvedToken } from "../session/resolve.js";
import { isTransientSession, transientCookieName, transientMarker } from "../session/transient.js";

// The caller and session access of a JSON API request: the request itself (its bearer token or
// session cookie), and its response for the cookies a flow sets. Outside one, they are the
// Next.js binding's: features ask `ctx.caller` and never know which entry point they serve.

/** @internal The JSON API's binding, and the cookie writes its endpoints share with it. */
export interface APIBinding {
  caller: Caller;
  sessionAccess: SessionAccess;
  /** The session of an API request, resolved once; a slid cookie is set again, a dead one expired. */
  resolve(state: APIRequestState): Promise<ResolvedToken | null>;
  /** Sets the session cookie; `remember: false` makes it end with the browser (no `Expires`). */
  setSessionCookie(state: APIRequestState, token: string, expires: Date, remember: boolean): void;
  /** Expires the session cookie (and forgets the request's session). */
  clearSessionCookie(state: APIRequestState): void;
}

/**
 * @internal A caller and session access that answer from the JSON API request being handled (the
 * request scope's `api`), and otherwise from `fallback` (the Next.js binding).
 */
export function createAPIBinding(
  core: AuthCore,
  resolveToken: (token: string | undefined) => Promise<ResolvedToken | null>,
  fallback: { caller: Caller; sessionAccess: SessionAccess },
): APIBinding {
  const { settings, knownDevices } = core;
  const resolved = new WeakMap<APIRequestState, Promise<ResolvedToken | null>>();

  /** The API request being handled, with its metadata, if any. */
  function apiRequest(): (RequestMeta & { api: APIRequestState }) | null {
    const meta = currentRequestMeta();
    return meta?.api ? (meta as RequestMeta & { api: APIRequestState }) : null;
  }

  const cookieOptions = (state: APIRequestState) => ({ secure: state.secure, options: settings });

  function setSessionCookie(state: APIRequestState, token: string, expires: Date, remember: boolean): void {
    const { maxAge: _maxAge, expires: _expires, ...attributes } = sessionCookieAttributes(settings, state.secure);
    const name = sessionCookieName(state.secure, settings);
    state.response.append(
      "set-cookie",
      serializeCookie(name, token, remember ? { ...attributes, expires } : attributes),
    );
    const transient = transientCookieName(state.secure, settings);
    if (!remember) state.response.append("set-cookie", serializeCookie(transient, transientMarker(token), attributes));
    else if (hasCookie(state, transient)) expire(state, transient);
  }

  const hasCookie = (state: APIRequestState, name: string): boolean =>
    readCookie(state.request.headers.get("cookie"), name) !== undefined;

  function expire(state: APIRequestState, name: string): void {
    const attributes = sessionCookieAttributes(settings, state.secure);
    state.response.append("set-cookie", serializeCookie(name, "", { ...attributes, maxAge: 0, expires: new Date(0) }));
  }

  function clearSessionCookie(state: APIRequestState): void {
    resolved.set(state, Promise.resolve(null));
    if (!state.request.headers.get("cookie")) return;
    expire(state, sessionCookieName(state.secure, settings));
    const transient = transientCookieName(state.secure, settings);
    if (hasCookie(state, transient)) expire(state, transient);
  }

  function resolve(state: APIRequestState): Promise<ResolvedToken | null> {
    let found = resolved.get(state);
    if (!found) {
      found = (async () => {
        const { token } = state;
        if (!token) return null;
        const session = await resolveToken(token.value);
        if (token.from === "cookie") {
          if (!session) {
            expire(state, sessionCookieName(state.secure, settings));
          } else if (session.refreshedTo) {
            // The session slid forward: the cookie follows, unless it was made to end with the browser.
            const remember = !isTransientSession(
              state.request.headers.get("cookie"),
              token.value,
              cookieOptions(state),
            );
            setSessionCookie(state, token.value, session.refreshedTo, remember);
          }
        }
        return session;
      })();
      resolved.set(state, found);
    }
    return found;
  }

  async function signedIn(meta: RequestMeta & { api: APIRequestState }, freshness: "fresh" | "any") {
    const found = await resolve(meta.api);
    if (!found) throw new UnauthorizedError("Sign in to continue.");
    if (freshness === "fresh" && core.now() - found.signedInAt.getTime() > settings.session.freshAge * 1000) {
      throw new StaleSessionError("Sign in again to continue.");
    }
    return {
      ip: meta.ip,
      userAgent: meta.userAgent,
      session: { userId: found.record.session.userId, sessionId: found.record.session.id },
    };
  }

  const caller: Caller = {
    async flow(): Promise<FlowContext> {
      const meta = apiRequest();
      if (!meta) return fallback.caller.flow();
      const found = await resolve(meta.api);
      const session = found ? { userId: found.record.session.userId, sessionId: found.record.session.id } : null;
      return { ip: meta.ip, userAgent: meta.userAgent, session };
    },
    async signedIn(freshness): Promise<SignedInContext> {
      const meta = apiRequest();
      return meta ? signedIn(meta, freshness) : fallback.caller.signedIn(freshness);
    },
    async ip() {
      const meta = apiRequest();
      return meta ? meta.ip : fallback.caller.ip();
    },
    async markKnownDevice(account) {
      const meta = apiRequest();
      if (!meta) return fallback.caller.markKnownDevice(account);
      if (!knownDevices) return;
      const { secure, response } = meta.api;
      const attributes = { ...sessionCookieAttributes(settings, secure), secure, maxAge: knownDevices.maxAge };
      const value = knownDevices.issue(meta.cookieHeader, secure, account);
      response.append("set-cookie", serializeCookie(knownDevices.cookieName(secure), value, attributes));
    },
    async clearSessionCookie() {
      const meta = apiRequest();
      if (!meta) return fallback.caller.clearSessionCookie();
      clearSessionCookie(meta.api);
    },
    redirect(url) {
      // A JSON client follows no redirect: the flow throws its error instead.
      return apiRequest() ? false : fallback.caller.redirect(url);
    },
  };

  const sessionAccess: SessionAccess = {
    async current() {
      const meta = apiRequest();
      if (!meta) return fallback.sessionAccess.current();
      const found = await resolve(meta.api);
      return found ? { session: found.session, signedInAt: found.signedInAt, organization: found.organization } : null;
    },
    fromRequest: (request) => fallback.sessionAccess.fromRequest(request),
    fromToken: (token) => fallback.sessionAccess.fromToken(token),
  };

  return { caller, sessionAccess, resolve, setSessionCookie, clearSessionCookie };
}

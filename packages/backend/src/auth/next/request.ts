import * as nextCache from "next/cache";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { StaleSessionError, UnauthorizedError } from "../../shared/errors.js";
import type { AuthCore, Caller, FlowContext, SessionAccess, SignedInContext } from "../context.js";
import { currentRequestMeta, type RequestMeta, requestMetaFrom } from "../request/scope.js";
import { isSecureRequest, readCookie, sessionCookieAttributes, sessionCookieName } from "../session/cookies.js";
import type { ResolvedToken } from "../session/resolve.js";
import { isTransientSession } from "../session/transient.js";
import type { AuthSession, CurrentSession } from "../session/types.js";

// The one module of the package that reads `next/headers` (and calls `redirect`): the Next.js
// binding of the caller and of session reading. Everything else asks `ctx.caller` and
// `ctx.sessionAccess`, so features run the same under any entry point.

/**
 * @internal Marks what follows as request-time work, as Next 16's Cache Components require
 * before anything reads the clock (session expiry and sliding, `freshAge`): a prerender stops
 * here (the page's `<Suspense>` fallback goes into the static shell) and the request's render
 * carries on past it, so Next neither fails the build with "uncached or runtime data" nor logs
 * "Date.now() while prerendering". `io()` (next/cache, Next 16.x) also resolves inside
 * `"use cache: private"`, which Next's authentication guide recommends around the session;
 * older Next has `connection()`. Without Cache Components both resolve at once.
 */
async function atRequestTime(): Promise<void> {
  const io = (nextCache as { io?: () => Promise<void> }).io;
  if (typeof io === "function") return io();
  let pending: Promise<void>;
  try {
    pending = connection();
  } catch {
    return; // outside Next's request scope: a script or a test
  }
  // During a prerender this never resolves (it rejects when the prerender ends): nothing after
  // it runs at build time.
  await pending;
}

/** @internal JWT strategy: what Auth.js answers (see `authjs/jwt-session.ts`). */
export interface JWTSessions {
  /** `auth()` of the current request. */
  current(): Promise<AuthSession | null>;
  /** When the user of this cookie's JWT signed in. */
  signedInAt(token: string | undefined, cookieName: string): Promise<Date>;
  /** The session of a `Request`'s JWT cookie. */
  fromRequest(request: Request): Promise<AuthSession | null>;
}

/** What `next/headers` gave for the request being rendered or handled, read once per request. */
interface NextRequestInfo {
  headers: Headers;
  meta: RequestMeta;
  secure: boolean;
  sessionCookie: string;
}

/**
 * @internal The caller and session access of Server Components, Server Actions and Route
 * Handlers: the request is whatever `next/headers` holds; outside one (a script, a test), there is
 * no request, no address and no session.
 */
export function createNextBinding(
  core: AuthCore,
  resolveToken: (token: string | undefined) => Promise<ResolvedToken | null>,
  jwt: JWTSessions | null,
): {
  caller: Caller;
  sessionAccess: SessionAccess;
  requestMeta(): Promise<RequestMeta>;
  setKnownDeviceCookie(account: string): Promise<void>;
} {
  const { settings, knownDevices } = core;
  const requests = new WeakMap<object, NextRequestInfo>();

  /** `next/headers`, parsed once per request (Next hands out the same headers object within one). */
  async function readRequest(): Promise<NextRequestInfo | null> {
    let incoming: Awaited<ReturnType<typeof headers>>;
    try {
      incoming = await headers();
    } catch {
      return null; // outside Next's request scope: a script or a test
    }
    let info = requests.get(incoming);
    if (!info) {
      const copy = new Headers(incoming);
      const secure = isSecureRequest({ headers: copy });
      info = {
        headers: copy,
        meta: requestMetaFrom(copy, core.clientIP),
        secure,
        sessionCookie: sessionCookieName(secure, settings),
      };
      requests.set(incoming, info);
    }
    return info;
  }

  async function current(): Promise<CurrentSession | null> {
    const request = await readRequest();
    if (!request) return null;
    await atRequestTime();
    const jar = await cookies();
    if (jwt) {
      const session = await jwt.current();
      if (!session) return null;
      const token = readCookie(request.headers.get("cookie"), request.sessionCookie);
      return { session, signedInAt: await jwt.signedInAt(token, request.sessionCookie) };
    }
    const token = jar.get(request.sessionCookie)?.value;
    const resolved = await resolveToken(token);
    if (resolved?.refreshedTo && token) {
      try {
        // Works in Server Actions and Route Handlers; Server Components cannot set cookies (as
        // with auth()), the database expiry has moved either way.
        // A cookie that ends with the browser (`rememberMe: false`) stays one.
        const transient = isTransientSession(request.meta.cookieHeader, token, {
          secure: request.secure,
          options: settings,
        });
        jar.set(request.sessionCookie, token, {
          ...sessionCookieAttributes(settings, request.secure),
          ...(!transient && { expires: resolved.refreshedTo }),
        });
      } catch {}
    }
    return resolved;
  }

  async function flow(): Promise<FlowContext> {
    const request = await readRequest();
    if (!request) return { ip: null, userAgent: null, session: null };
    const found = await current();
    const session = found ? { userId: found.session.user.id, sessionId: found.session.sessionId ?? null } : null;
    return { ip: request.meta.ip, userAgent: request.meta.userAgent, session };
  }

  /** Marks this browser a known device of `account`, from a Server Action or Route Handler. */
  async function setKnownDeviceCookie(account: string): Promise<void> {
    const request = await readRequest();
    if (!knownDevices || !request) return;
    try {
      const jar = await cookies();
      jar.set(
        knownDevices.cookieName(request.secure),
        knownDevices.issue(request.meta.cookieHeader, request.secure, account),
        {
          ...sessionCookieAttributes(settings, request.secure),
          secure: request.secure,
          maxAge: knownDevices.maxAge,
        },
      );
    } catch {
      // A Server Component cannot set cookies; the next sign-in marks the browser instead.
    }
  }

  const caller: Caller = {
    flow,
    async signedIn(freshness): Promise<SignedInContext> {
      const found = await current();
      if (!found) throw new UnauthorizedError("Sign in to continue.");
      if (freshness === "fresh" && core.now() - found.signedInAt.getTime() > settings.session.freshAge * 1000) {
        throw new StaleSessionError("Sign in again to continue.");
      }
      const request = await readRequest();
      return {
        ip: request?.meta.ip ?? null,
        userAgent: request?.meta.userAgent ?? null,
        session: { userId: found.session.user.id, sessionId: found.session.sessionId ?? null },
      };
    },
    async ip() {
      return (await readRequest())?.meta.ip ?? null;
    },
    async markKnownDevice(account) {
      if (!knownDevices) return;
      // Inside an Auth.js entry point, the wrapper that opened the request scope sets the cookie
      // on its response (see authjs/handlers.ts); elsewhere a Server Action sets it here.
      const meta = currentRequestMeta();
      if (meta) meta.knownDeviceFor = account;
      else await setKnownDeviceCookie(account);
    },
    async clearSessionCookie() {
      const request = await readRequest();
      if (!request) return;
      try {
        (await cookies()).delete(request.sessionCookie);
      } catch {
        // Outside a Server Action or Route Handler: nothing to clear, or Next forbids it.
      }
    },
    redirect(url) {
      redirect(url);
    },
    atRequestTime,
  };

  const sessionAccess: SessionAccess = {
    current,
    async fromRequest(request) {
      // A Route Handler's GET is prerendered too under Cache Components.
      await atRequestTime();
      if (jwt) return jwt.fromRequest(request);
      const name = sessionCookieName(isSecureRequest(request), settings);
      return (await resolveToken(readCookie(request.headers.get("cookie"), name)))?.session ?? null;
    },
    async fromToken(token) {
      if (jwt) return null;
      await atRequestTime();
      return (await resolveToken(token))?.session ?? null;
    },
  };

  return {
    caller,
    sessionAccess,
    setKnownDeviceCookie,
    async requestMeta() {
      return (await readRequest())?.meta ?? { ip: null, userAgent: null, cookieHeader: null };
    },
  };
}

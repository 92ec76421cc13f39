import type { AuthContext } from "../context.js";
import {
  type APIRequestState,
  type RequestMeta,
  requestMetaFrom,
  settleDeferredWrites,
  withRequestMeta,
} from "../request/scope.js";
import { isSecureRequest, readCookie, sessionCookieName } from "../session/cookies.js";
import { accountEndpoints } from "./account.js";
import type { APIAnswer, APIDeps, Endpoint } from "./endpoint.js";
import { APIFailure, failureOf, readJSONBody } from "./http.js";
import type { APISettings } from "./options.js";
import { createOriginPolicy } from "./origins.js";
import { sessionEndpoints } from "./sessions.js";
import { signInEndpoints } from "./sign-in.js";
import { tokenEndpoints } from "./tokens.js";

/** A route handler, as Next.js calls it. */
export type RouteHandler = (request: Request) => Promise<Response>;

/**
 * The route handlers that serve the JSON API beside Auth.js: export them from the Auth.js route
 * (`app/api/auth/[...nextauth]/route.ts`) in place of `handlers`. Paths of the JSON API
 * (`/sign-in/email`, `/get-session`, …) are answered by the package; every other path goes to
 * Auth.js's handlers unchanged.
 */
export interface APIHandlers {
  GET: RouteHandler;
  POST: RouteHandler;
  /** CORS preflights: answered for `api.trustedOrigins` (and the app's own origin) only. */
  OPTIONS: RouteHandler;
}

/** `Authorization: Bearer <token>`'s token; any other scheme is not ours and is ignored. */
function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer[ \t]+(\S*)[ \t]*$/i.exec(header) : null;
  return match ? (match[1] ?? "") : null;
}

/** @internal What the JSON API reads of `createAuth`'s settings. */
export interface APIHandlerSettings {
  api?: APISettings;
  baseURL?: string | undefined;
  authURL?: string | undefined;
  registration: { enumerationSafe: boolean };
  emailVerification: { required: boolean };
  accessTokens?: unknown;
  refreshTokens?: unknown;
}

/** @internal The JSON API's handlers: its endpoints under `basePath`, Auth.js's for the rest. */
export function createAPIHandlers(
  ctx: AuthContext,
  settings: APIHandlerSettings,
  parts: Pick<APIDeps, "methods" | "authjs" | "binding">,
  authjs: { GET: RouteHandler; POST: RouteHandler },
): APIHandlers {
  const { basePath } = ctx.settings;
  const origins = createOriginPolicy({
    trustedOrigins: settings.api?.trustedOrigins ?? [],
    baseURL: settings.baseURL,
    authURL: settings.authURL,
  });
  const deps: APIDeps = {
    ...parts,
    ctx,
    origins,
    // better-auth answers a sign-up without a session when sign-up must not tell a taken address
    // from a new one, and when the address must be verified first.
    noSignInAfterSignUp: settings.registration.enumerationSafe || settings.emailVerification.required,
    tokens: { access: Boolean(settings.accessTokens), refresh: Boolean(settings.refreshTokens) },
  };
  const endpoints: Record<string, Endpoint> = {
    ...signInEndpoints(deps),
    ...sessionEndpoints(deps),
    ...accountEndpoints(deps),
    ...tokenEndpoints(deps),
  };
  const paths = new Set(Object.keys(endpoints).map((key) => key.slice(key.indexOf(" ") + 1)));
  let warned = false;

  /** The endpoint's path (after `basePath`) and the parsed URL, when the request is for one. */
  function routeOf(request: Request): { path: string; url: URL } | null {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return null;
    }
    if (!url.pathname.startsWith(`${basePath}/`)) return null;
    const path = url.pathname.slice(basePath.length).replace(/\/+$/, "");
    return paths.has(path) ? { path, url } : null;
  }

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    });
  }

  async function serve(request: Request, url: URL, endpoint: Endpoint): Promise<Response> {
    const secure = isSecureRequest(request);
    const bearer = bearerToken(request);
    const cookie = readCookie(request.headers.get("cookie"), sessionCookieName(secure, ctx.settings));
    // A request that names a bearer token is that token's, never its cookie's.
    const token: APIRequestState["token"] =
      bearer !== null ? { value: bearer, from: "bearer" } : cookie ? { value: cookie, from: "cookie" } : null;
    const state: APIRequestState = { request, secure, token, response: new Headers() };
    const meta: RequestMeta = {
      ...requestMetaFrom(request.headers, ctx.clientIP),
      sessionToken: token?.value,
      api: state,
    };

    const response = await withRequestMeta(meta, async () => {
      try {
        if (request.method === "POST") origins.checkStateChanging(request, state);
        const body = request.method === "POST" ? await readJSONBody(request) : {};
        const result = answer(await endpoint.run({ request, state, meta, body, query: url.searchParams }));
        await settleDeferredWrites(meta);
        return result;
      } catch (error) {
        // What a refused sign-in owes still goes (the right password forgets the failures).
        await settleDeferredWrites(meta).catch((settleError: unknown) =>
          ctx.logger.warn("could not reset the lockout after a right password", settleError),
        );
        const failure = failureOf(error, endpoint.codes);
        if (failure.unexpected) ctx.logger.warn(`JSON API: ${request.method} ${url.pathname} failed`, error);
        return json(failure.status, failure.body, failure.headers);
      }
    });
    for (const [name, value] of state.response) {
      if (name === "set-cookie") continue;
      response.headers.set(name, value);
    }
    for (const value of state.response.getSetCookie()) response.headers.append("set-cookie", value);
    for (const [name, value] of Object.entries(origins.corsHeaders(request))) response.headers.set(name, value);
    return response;
  }

  function answer(result: APIAnswer): Response {
    if ("redirect" in result) return new Response(null, { status: 302, headers: { location: result.redirect } });
    return json(result.status ?? 200, result.body, result.headers);
  }

  function handle(method: "GET" | "POST", fallback: RouteHandler): RouteHandler {
    return async (request) => {
      const route = routeOf(request);
      if (!route) return fallback(request);
      const { path, url } = route;
      if (!settings.api) {
        if (!warned) {
          warned = true;
          ctx.logger.warn(`${path} is a JSON API path, but the JSON API is off: pass api: {} to createAuth`);
        }
        return json(404, { code: "NOT_FOUND", message: "Not found" });
      }
      const endpoint = endpoints[`${method} ${path}`];
      if (!endpoint) {
        const allowed = (["GET", "POST"] as const).filter((m) => endpoints[`${m} ${path}`]);
        const failure = failureOf(new APIFailure(405, "METHOD_NOT_ALLOWED", "Method not allowed"));
        return json(failure.status, failure.body, { allow: [...allowed, "OPTIONS"].join(", ") });
      }
      return serve(request, url, endpoint);
    };
  }

  return {
    GET: handle("GET", authjs.GET),
    POST: handle("POST", authjs.POST),
    async OPTIONS(request) {
      // Not the API's: what Next answers for a route without its own OPTIONS.
      if (!settings.api || !routeOf(request))
        return new Response(null, { status: 204, headers: { allow: "GET, POST, OPTIONS" } });
      const { status, headers } = origins.preflight(request);
      return new Response(null, { status, headers });
    },
  };
}

import type { DriverObserver, DriverStatements } from "./engines/driver-statements.js";

// The flows whose statements test/statements-per-flow.test.ts asserts and the bench prints
// (bench/src/sections/statements.ts), run through the package's real entry points: Auth.js's
// route handlers with cookies, and the JSON API (`apiHandlers`) with bearer tokens. Structural
// types only, so the bench can run it on the built package and the tests on the sources.

type Handler = (request: Request) => Promise<Response>;

/** What the flows use of a `createAuth` result (created with `api: {}` and `sendEmail`). */
export interface FlowAuth {
  handlers: { GET: (request: never) => Promise<Response>; POST: (request: never) => Promise<Response> };
  apiHandlers: { GET: Handler; POST: Handler };
}

/** One flow's count: the statements and round trips of its requests together. */
export interface FlowStatements extends DriverStatements {
  flow: string;
}

/** A `sendEmail` that keeps the last one-time token mailed to each address. */
export function tokenMailbox(): {
  sendEmail: (message: { to: string; text: string }) => Promise<void>;
  token(to: string): string;
} {
  const tokens = new Map<string, string>();
  return {
    async sendEmail(message) {
      const link = /https?:\/\/\S*[?&]token=([^&\s]+)/.exec(message.text);
      if (link?.[1]) tokens.set(message.to, decodeURIComponent(link[1]));
    },
    token(to) {
      const token = tokens.get(to);
      if (!token) throw new Error(`no link was mailed to ${to}`);
      return token;
    },
  };
}

/** The flows, in the order the table prints them. */
export const FLOWS = [
  "getSession()",
  "sign-in, Auth.js route (GET /csrf + POST /callback/credentials)",
  "sign-in, JSON API (POST /sign-in/email)",
  "registration, JSON API (POST /sign-up/email, signs in)",
  "password reset request (POST /request-password-reset)",
  "password reset confirm (POST /reset-password)",
  "email verification request (POST /send-verification-email)",
  "email verification confirm, signed in (POST /verify-email, bearer)",
  "sign-out, Auth.js route (GET /csrf + POST /signout)",
  "sign-out, JSON API (POST /sign-out, bearer)",
  "revoke a session, JSON API (POST /revoke-session, bearer)",
] as const;

/** A flow's name. */
export type FlowName = (typeof FLOWS)[number];

const ORIGIN = "http://localhost:3000";
const PASSWORD = "correct horse battery staple";

/** A small cookie jar over the route handlers, as a browser would keep it. */
class Jar {
  readonly cookies = new Map<string, string>();
  constructor(private readonly ip: string) {}

  request(method: "GET" | "POST", path: string, body?: Record<string, string>, json?: unknown): Request {
    const headers = new Headers({ "x-forwarded-for": this.ip, "user-agent": "statements/1.0" });
    if (this.cookies.size > 0) {
      headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    let payload: string | undefined;
    if (json !== undefined) {
      headers.set("content-type", "application/json");
      payload = JSON.stringify(json);
    } else if (body) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      payload = new URLSearchParams(body).toString();
    }
    return new Request(`${ORIGIN}${path}`, { method, headers, body: payload });
  }

  keep(response: Response): Response {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const index = pair.indexOf("=");
      const value = pair.slice(index + 1);
      if (value && !/max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.set(pair.slice(0, index), value);
      else this.cookies.delete(pair.slice(0, index));
    }
    return response;
  }
}

/** A JSON API request with a bearer token (or none), from `ip`. */
function apiRequest(path: string, ip: string, json: unknown, bearer?: string): Request {
  const headers = new Headers({ "x-forwarded-for": ip, "content-type": "application/json" });
  if (bearer) headers.set("authorization", `Bearer ${bearer}`);
  return new Request(`${ORIGIN}/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(json) });
}

async function expectOK(response: Response, what: string): Promise<Response> {
  if (response.status >= 400 || response.headers.get("location")?.includes("error")) {
    throw new Error(`${what}: ${response.status} ${response.headers.get("location") ?? (await response.text())}`);
  }
  return response;
}

/**
 * Runs every flow of {@link FLOWS} once, each on a user of its own, and returns what each sent
 * to the database. `getSession` resolves a session cookie as a Server Component's
 * `getSession()` does (the caller provides the request scope). `observer` must observe the
 * database `auth` runs on; setup work between flows is not counted.
 */
export async function statementsPerFlow(
  auth: FlowAuth,
  observer: DriverObserver,
  mail: { token(to: string): string },
  getSession: (sessionToken: string) => Promise<unknown>,
  options: { prefix?: string } = {},
): Promise<FlowStatements[]> {
  const prefix = options.prefix ?? `f${Date.now().toString(36)}`;
  let ipCount = 0;
  const ip = () => `198.51.100.${(++ipCount % 250) + 1}`;
  const email = (name: string) => `${prefix}-${name}@statements.test`;
  const results: FlowStatements[] = [];
  const measure = async (flow: FlowName, run: () => Promise<unknown>): Promise<void> => {
    observer.take();
    await run();
    results.push({ flow, ...observer.take() });
  };
  const { handlers, apiHandlers } = auth;
  const route = (jar: Jar, method: "GET" | "POST", path: string, body?: Record<string, string>) =>
    (method === "GET" ? handlers.GET : handlers.POST)(jar.request(method, path, body) as never).then((response) =>
      jar.keep(response),
    );
  const signUp = async (name: string): Promise<string> => {
    const response = await expectOK(
      await apiHandlers.POST(apiRequest("/sign-up/email", ip(), { email: email(name), password: PASSWORD, name })),
      `sign-up ${name}`,
    );
    const token = response.headers.get("set-auth-token");
    if (!token) throw new Error(`sign-up ${name}: no session token`);
    return token;
  };
  const routeSignIn = async (jar: Jar, address: string) => {
    const { csrfToken } = (await (await route(jar, "GET", "/api/auth/csrf")).json()) as { csrfToken: string };
    const body = { csrfToken, email: address, password: PASSWORD, callbackUrl: `${ORIGIN}/` };
    return expectOK(await route(jar, "POST", "/api/auth/callback/credentials", body), "sign-in");
  };

  // Users the flows act on, registered before anything is counted.
  const sessionUser = await signUp("session");
  await signUp("signin-route");
  await signUp("signin-api");
  await signUp("reset");
  const verifyToken = await signUp("verify");
  const signOutJar = new Jar(ip());
  await signUp("signout-route");
  await routeSignIn(signOutJar, email("signout-route"));
  const signOutToken = await signUp("signout-api");
  const revoker = await signUp("revoke");
  const revokedJar = new Jar(ip());
  await routeSignIn(revokedJar, email("revoke"));
  const revokedSession = (await (
    await apiHandlers.GET(
      new Request(`${ORIGIN}/api/auth/get-session`, {
        headers: { authorization: `Bearer ${revokedJar.cookies.get("authjs.session-token") ?? ""}` },
      }),
    )
  ).json()) as { session: { id: string } };

  await measure("getSession()", async () => {
    if (!(await getSession(sessionUser))) throw new Error("getSession() found no session");
  });
  await measure("sign-in, Auth.js route (GET /csrf + POST /callback/credentials)", async () => {
    const jar = new Jar(ip());
    await routeSignIn(jar, email("signin-route"));
    if (!jar.cookies.has("authjs.session-token")) throw new Error("the sign-in set no session cookie");
  });
  await measure("sign-in, JSON API (POST /sign-in/email)", async () => {
    const response = await apiHandlers.POST(
      apiRequest("/sign-in/email", ip(), { email: email("signin-api"), password: PASSWORD }),
    );
    await expectOK(response, "API sign-in");
  });
  await measure("registration, JSON API (POST /sign-up/email, signs in)", () => signUp("registration"));
  await measure("password reset request (POST /request-password-reset)", async () => {
    await expectOK(
      await apiHandlers.POST(apiRequest("/request-password-reset", ip(), { email: email("reset") })),
      "reset request",
    );
  });
  const resetToken = mail.token(email("reset"));
  await measure("password reset confirm (POST /reset-password)", async () => {
    await expectOK(
      await apiHandlers.POST(apiRequest("/reset-password", ip(), { token: resetToken, newPassword: `${PASSWORD}!` })),
      "reset confirm",
    );
  });
  await measure("email verification request (POST /send-verification-email)", async () => {
    await expectOK(
      await apiHandlers.POST(apiRequest("/send-verification-email", ip(), { email: email("verify") })),
      "verification request",
    );
  });
  const verificationToken = mail.token(email("verify"));
  await measure("email verification confirm, signed in (POST /verify-email, bearer)", async () => {
    await expectOK(
      await apiHandlers.POST(apiRequest("/verify-email", ip(), { token: verificationToken }, verifyToken)),
      "verification confirm",
    );
  });
  await measure("sign-out, Auth.js route (GET /csrf + POST /signout)", async () => {
    const { csrfToken } = (await (await route(signOutJar, "GET", "/api/auth/csrf")).json()) as { csrfToken: string };
    await route(signOutJar, "POST", "/api/auth/signout", { csrfToken, callbackUrl: `${ORIGIN}/` });
    if (signOutJar.cookies.has("authjs.session-token")) throw new Error("the sign-out kept the session cookie");
  });
  await measure("sign-out, JSON API (POST /sign-out, bearer)", async () => {
    await expectOK(await apiHandlers.POST(apiRequest("/sign-out", ip(), {}, signOutToken)), "API sign-out");
  });
  await measure("revoke a session, JSON API (POST /revoke-session, bearer)", async () => {
    await expectOK(
      await apiHandlers.POST(apiRequest("/revoke-session", ip(), { token: revokedSession.session.id }, revoker)),
      "revoke",
    );
  });
  return results;
}

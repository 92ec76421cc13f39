// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import { createTestAuth, PASSWORD } from "./auth-helpers.js";
import { inRequest, requestScope, type ScopeCookie } from "./auth-next-request.js";

/**
 * A session made by the JSON API, read by the Next.js app: the API's cookie is the app's session
 * cookie, and a cookie meant to end with the browser (`rememberMe: false`) stays one when the
 * app's `getSession()` slides it forward. Only Next's request scope is simulated
 * (auth-next-request.ts); the API is called through `apiHandlers` with real Requests.
 *
 * @see /tmp/issues/13.md (issue 13: a JSON auth API)
 */

let auth: Auth;
let cleanup: () => void;

beforeAll(async () => {
  // updateAge 0: every read slides the session forward and writes the cookie again.
  ({ auth, cleanup } = await createTestAuth({ api: {}, session: { updateAge: 0 } }));
  await auth.registerUser({ email: "next@example.com", password: PASSWORD }, { ip: null });
});
afterAll(() => cleanup());

/** Signs in over the JSON API and returns the cookies it set, as a browser jar. */
async function apiSignIn(rememberMe: boolean): Promise<Map<string, ScopeCookie>> {
  const response = await auth.apiHandlers.POST(
    new Request("http://localhost:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://localhost:3000",
        "x-forwarded-for": "198.51.100.9",
      },
      body: JSON.stringify({ email: "next@example.com", password: PASSWORD, rememberMe }),
    }),
  );
  expect(response.status).toBe(200);
  const jar = new Map<string, ScopeCookie>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    const index = pair.indexOf("=");
    jar.set(pair.slice(0, index), { value: pair.slice(index + 1), options: {} });
  }
  return jar;
}

describe("a JSON API session in the Next.js app", () => {
  it("is what getSession() and Auth.js's auth() read in a Server Action", async () => {
    const jar = await apiSignIn(true);
    const [mine, theirs] = await inRequest(requestScope(jar), () => Promise.all([auth.getSession(), auth.auth()]));
    expect(mine?.user.email).toBe("next@example.com");
    expect((theirs as { user?: { email?: string } } | null)?.user?.email).toBe("next@example.com");
  });

  it("slides a remembered cookie with an expiry, and keeps a rememberMe: false cookie without one", async () => {
    const remembered = await apiSignIn(true);
    await inRequest(requestScope(remembered), () => auth.getSession());
    expect(remembered.get("authjs.session-token")?.options.expires).toBeInstanceOf(Date);

    const transient = await apiSignIn(false);
    const token = transient.get("authjs.session-token")?.value;
    await inRequest(requestScope(transient), () => auth.getSession());
    const written = transient.get("authjs.session-token");
    expect(written?.value).toBe(token);
    expect(written?.options).toMatchObject({ httpOnly: true, sameSite: "lax" });
    expect(written?.options.expires).toBeUndefined();
    expect(written?.options.maxAge).toBeUndefined();
  });

  it("keeps a rememberMe: false cookie without an expiry through Auth.js's own /api/auth/session too", async () => {
    const remembered = await apiSignIn(true);
    const transient = await apiSignIn(false);
    const session = async (jar: Map<string, ScopeCookie>) => {
      const cookie = [...jar].map(([name, { value }]) => `${name}=${value}`).join("; ");
      const response = await auth.handlers.GET(
        new Request("http://localhost:3000/api/auth/session", { headers: { cookie } }) as never,
      );
      expect(((await response.json()) as { user?: { email?: string } }).user?.email).toBe("next@example.com");
      return response.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
    };
    expect(await session(remembered)).toMatch(/Expires=/i);
    const rewritten = await session(transient);
    expect(rewritten).toMatch(/^authjs\.session-token=[A-Za-z0-9_-]{43};/);
    expect(rewritten).not.toMatch(/Expires=|Max-Age=/i);
  });
});

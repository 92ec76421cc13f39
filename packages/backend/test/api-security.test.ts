/**
 * The JSON API under attack, over raw HTTP against a real node:http server on 127.0.0.1 (libSQL
 * files, nothing mocked): cross-site requests riding the session cookie, preflights from other
 * origins, login CSRF, open redirects, probing for accounts by answer or by timing, token leaks,
 * and requests of different users interleaved. Each attack is shown refused.
 *
 * @see /tmp/issues/13.md (issue 13: a JSON auth API)
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { type APIServer, startAPIServer } from "./api-helpers.js";
import { createTestAuth, PASSWORD } from "./auth-helpers.js";
import { sessions, users } from "./engines/tables.js";
import { nextIP } from "./lifecycle-helpers.js";

const TRUSTED = "https://admin.example.com";
const EVIL = "https://evil.example";

let auth: Auth;
let db: Database;
let cleanup: () => void;
let server: APIServer;

beforeAll(async () => {
  ({ auth, db, cleanup } = await createTestAuth({ api: { trustedOrigins: [`${TRUSTED}/`] }, sendEmail: false }));
  server = await startAPIServer(auth);
});
afterAll(async () => {
  await server.stop();
  cleanup();
});

function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Response> {
  return fetch(`${server.baseURL}${path}`, {
    method,
    redirect: "manual",
    headers: {
      "x-forwarded-for": nextIP(),
      ...(body !== undefined && { "content-type": "application/json" }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** A user signed in over the API: its raw token and the Cookie header a browser would send. */
async function browserSession(email: string): Promise<{ token: string; cookie: string; userId: string }> {
  const { user } = await auth.registerUser({ email, password: PASSWORD, name: "Victim" }, { ip: null });
  const response = await send("POST", "/sign-in/email", {}, { email, password: PASSWORD });
  expect(response.status).toBe(200);
  const token = response.headers.get("set-auth-token") ?? "";
  return { token, cookie: `authjs.session-token=${token}`, userId: user?.id ?? "" };
}

const liveSessions = async (userId: string) =>
  (await db.select().from(sessions).where(eq(sessions.userId, userId))).length;

describe("cross-site requests with the session cookie (CSRF)", () => {
  it("refuses a state-changing request from an untrusted Origin: 403 INVALID_ORIGIN, nothing done", async () => {
    const victim = await browserSession("csrf@example.com");
    for (const [path, body] of [
      ["/revoke-sessions", {}],
      ["/sign-out", {}],
      ["/change-password", { currentPassword: PASSWORD, newPassword: "attacker chose this" }],
      ["/delete-user", { password: PASSWORD }],
    ] as const) {
      const response = await send("POST", path, { cookie: victim.cookie, origin: EVIL }, body);
      expect({ path, status: response.status, body: await response.json() }).toEqual({
        path,
        status: 403,
        body: { code: "INVALID_ORIGIN", message: "Invalid origin" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect(await liveSessions(victim.userId)).toBe(1);
    const session = await send("GET", "/get-session", { cookie: victim.cookie });
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe("csrf@example.com");
  });

  it("checks Referer when there is no Origin, and refuses a cookie request that names neither", async () => {
    const victim = await browserSession("referer@example.com");
    const fromEvil = await send("POST", "/revoke-sessions", { cookie: victim.cookie, referer: `${EVIL}/page` }, {});
    expect(fromEvil.status).toBe(403);
    expect(((await fromEvil.json()) as { code: string }).code).toBe("INVALID_ORIGIN");
    const nowhere = await send("POST", "/revoke-sessions", { cookie: victim.cookie }, {});
    expect(nowhere.status).toBe(403);
    expect(((await nowhere.json()) as { code: string }).code).toBe("MISSING_OR_NULL_ORIGIN");
    const sandboxed = await send("POST", "/revoke-sessions", { cookie: victim.cookie, origin: "null" }, {});
    expect(sandboxed.status).toBe(403);
    expect(await liveSessions(victim.userId)).toBe(1);
    // The app's own page (Referer from its origin) is trusted.
    const own = await send(
      "POST",
      "/revoke-other-sessions",
      { cookie: victim.cookie, referer: `${server.url}/account` },
      {},
    );
    expect(own.status).toBe(200);
  });

  it("accepts a trusted origin, and only it gets Access-Control-Allow-Origin with credentials", async () => {
    const user = await browserSession("trusted@example.com");
    const trusted = await send("GET", "/get-session", { cookie: user.cookie, origin: TRUSTED });
    expect(trusted.headers.get("access-control-allow-origin")).toBe(TRUSTED);
    expect(trusted.headers.get("access-control-allow-credentials")).toBe("true");
    expect(trusted.headers.get("vary")).toContain("Origin");
    const evil = await send("GET", "/get-session", { cookie: user.cookie, origin: EVIL });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evil.headers.get("access-control-allow-credentials")).toBeNull();
    const signOut = await send("POST", "/sign-out", { cookie: user.cookie, origin: TRUSTED }, {});
    expect(signOut.status).toBe(200);
    expect(await liveSessions(user.userId)).toBe(0);
  });

  it("refuses login CSRF: a cross-site form post, and a cross-site JSON post", async () => {
    await auth.registerUser({ email: "attacker@example.com", password: PASSWORD }, { ip: null });
    const form = await send(
      "POST",
      "/sign-in/email",
      { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
      `email=attacker%40example.com&password=${encodeURIComponent(PASSWORD)}`,
    );
    expect(form.status).toBe(403);
    expect(form.headers.getSetCookie()).toEqual([]);
    // Without Origin (an old browser's form), the body type alone refuses it.
    const noOrigin = await send(
      "POST",
      "/sign-in/email",
      { "content-type": "application/x-www-form-urlencoded" },
      `email=attacker%40example.com&password=${encodeURIComponent(PASSWORD)}`,
    );
    expect(noOrigin.status).toBe(415);
    expect(noOrigin.headers.getSetCookie()).toEqual([]);
    const json = await send(
      "POST",
      "/sign-in/email",
      { origin: EVIL },
      { email: "attacker@example.com", password: PASSWORD },
    );
    expect(json.status).toBe(403);
    expect(json.headers.getSetCookie()).toEqual([]);
  });
});

describe("CORS preflight", () => {
  it("answers a trusted origin's preflight with the methods, headers and credentials it may use", async () => {
    const response = await send("OPTIONS", "/sign-in/email", {
      origin: TRUSTED,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization",
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(TRUSTED);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
    expect(response.headers.get("access-control-expose-headers")).toContain("set-auth-token");
  });

  it("refuses an untrusted origin's preflight: 403 and no CORS headers, so the browser never sends the request", async () => {
    for (const origin of [EVIL, "null", `${TRUSTED}.evil.example`, "http://admin.example.com"]) {
      const response = await send("OPTIONS", "/change-password", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      });
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });
});

describe("bearer clients", () => {
  it("need no origin: a state-changing bearer request without Origin or Referer is accepted", async () => {
    const user = await browserSession("bearer-no-origin@example.com");
    const response = await send(
      "POST",
      "/change-password",
      { authorization: `Bearer ${user.token}` },
      { currentPassword: PASSWORD, newPassword: "a bearer's new passphrase" },
    );
    expect(response.status).toBe(200);
    const signOut = await send("POST", "/sign-out", { authorization: `Bearer ${user.token}` });
    expect(((await signOut.json()) as { success: boolean }).success).toBe(true);
    expect(await liveSessions(user.userId)).toBe(0);
  });

  it("are the bearer's alone: another user's cookie beside the token changes nothing", async () => {
    const alice = await browserSession("alice@example.com");
    const bob = await browserSession("bob@example.com");
    const response = await send("GET", "/get-session", { authorization: `Bearer ${alice.token}`, cookie: bob.cookie });
    expect(((await response.json()) as { user: { email: string } }).user.email).toBe("alice@example.com");
  });

  it("never see a raw token in what the API lists: session objects carry the id as `token`", async () => {
    const user = await browserSession("no-leak@example.com");
    await send("POST", "/sign-in/email", {}, { email: "no-leak@example.com", password: PASSWORD });
    const tokens = (await db.select().from(sessions).where(eq(sessions.userId, user.userId))).map(
      (row) => row.sessionToken,
    );
    expect(tokens).not.toContain(user.token); // stored hashed
    const list = await (await send("GET", "/list-sessions", { authorization: `Bearer ${user.token}` })).text();
    const session = await (await send("GET", "/get-session", { authorization: `Bearer ${user.token}` })).text();
    expect(list).not.toContain(user.token);
    expect(session).not.toContain(user.token);
    for (const hash of tokens) expect(list).not.toContain(hash);
  });

  it("keep their sessions apart under concurrency: interleaved requests of many users each get their own", async () => {
    const people = await Promise.all(
      Array.from({ length: 6 }, (_, i) => browserSession(`concurrent-${i}@example.com`)),
    );
    const answers = await Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        const person = people[i % people.length] as (typeof people)[number];
        const response = await send("GET", "/get-session", { authorization: `Bearer ${person.token}` });
        return { expected: person.userId, got: ((await response.json()) as { user: { id: string } }).user.id };
      }),
    );
    for (const { expected, got } of answers) expect(got).toBe(expected);
  });
});

describe("probing for accounts", () => {
  it("answers an unknown email like a wrong password: the same body, and comparable time (one hash each)", async () => {
    // Real-cost hashing, so the hash dominates as it does in production; limits out of the way.
    const t = await createTestAuth({
      api: {},
      password: { scrypt: { ln: 14, r: 8, p: 1 } },
      lockout: { threshold: 100 },
      rateLimit: { signIn: { perIP: 1000, perAccount: 1000 } },
    });
    const probe = await startAPIServer(t.auth);
    try {
      await t.auth.registerUser({ email: "exists@example.com", password: PASSWORD }, { ip: null });
      const attempt = async (email: string) => {
        const started = performance.now();
        const response = await fetch(`${probe.baseURL}/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": nextIP() },
          body: JSON.stringify({ email, password: "not the password" }),
        });
        const text = await response.text();
        return { ms: performance.now() - started, status: response.status, text };
      };
      await attempt("warm-up@example.com");
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 10; i++) {
        const a = await attempt("exists@example.com");
        const b = await attempt(`missing-${i}@example.com`);
        expect(b.status).toBe(a.status);
        expect(b.text).toBe(a.text);
        wrong.push(a.ms);
        unknown.push(b.ms);
      }
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
      const ratio = median(unknown) / median(wrong);
      // Without the dummy hash for unknown emails this ratio would be far below 0.5.
      expect(ratio, `unknown ${median(unknown).toFixed(1)} ms vs wrong ${median(wrong).toFixed(1)} ms`).toBeGreaterThan(
        0.6,
      );
      expect(ratio).toBeLessThan(1.67);
    } finally {
      await probe.stop();
      t.cleanup();
    }
  });
});

describe("cookies", () => {
  it("sets the session cookie Secure (with the __Secure- name Auth.js uses) when the site is https", async () => {
    await auth.registerUser({ email: "https@example.com", password: PASSWORD }, { ip: null });
    const response = await auth.apiHandlers.POST(
      new Request("https://app.example.com/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": nextIP() },
        body: JSON.stringify({ email: "https@example.com", password: PASSWORD }),
      }),
    );
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Secure-authjs.session-token="));
    expect(cookie).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).toMatch(/Expires=/);
  });

  it("answers a request for another user's data with nothing: ids from list-sessions do not revoke others", async () => {
    const owner = await browserSession("owner@example.com");
    const intruder = await browserSession("intruder@example.com");
    const [ownerSession] = await db.select().from(sessions).where(eq(sessions.userId, owner.userId));
    await send("POST", "/revoke-session", { authorization: `Bearer ${intruder.token}` }, { token: ownerSession?.id });
    await send("POST", "/revoke-session", { authorization: `Bearer ${intruder.token}` }, { token: owner.token });
    expect(await liveSessions(owner.userId)).toBe(1);
    const [row] = await db.select().from(users).where(eq(users.id, owner.userId));
    expect(row?.email).toBe("owner@example.com");
  });
});

/**
 * The compatibility test of the JSON API: better-auth's own client from npm (`better-auth/client`,
 * unchanged) against `auth.apiHandlers` served by a real HTTP server on 127.0.0.1, over a libSQL
 * file. Cookie mode: the client's fetch keeps cookies and sends `Origin`, as a browser does.
 * Bearer mode: the token comes from `set-auth-token` and goes back as `Authorization: Bearer`,
 * as better-auth's bearer plugin documents. Nothing is mocked.
 *
 * @see /tmp/issues/13.md (issue 13: a JSON auth API)
 */
import { createAuthClient } from "better-auth/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import { hashSessionToken } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { type APIServer, CookieJar, startAPIServer } from "./api-helpers.js";
import { createTestAuth, PASSWORD } from "./auth-helpers.js";
import { sessions, users } from "./engines/tables.js";

let auth: Auth;
let db: Database;
let cleanup: () => void;
let server: APIServer;

beforeAll(async () => {
  ({ auth, db, cleanup } = await createTestAuth({ api: {} }));
  server = await startAPIServer(auth);
});
afterAll(async () => {
  await server.stop();
  cleanup();
});

// better-auth's client turns the ISO dates of the wire into Date objects (its parseJSON); the
// wire format itself is checked in api-endpoints.test.ts.
const DATE = expect.any(Date);

describe("better-auth's client, cookie mode (a browser)", () => {
  const jar = () => new CookieJar(server.url);

  it("signs up, reads the session, signs out, signs in again, with better-auth's shapes", async () => {
    const browser = jar();
    const client = createAuthClient({ baseURL: server.baseURL, fetchOptions: { customFetchImpl: browser.fetch } });

    const signUp = await client.signUp.email({ email: "Cookie@Example.com", password: PASSWORD, name: "Cookie" });
    expect(signUp.error).toBeNull();
    expect(signUp.data?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signUp.data?.user).toEqual({
      id: expect.any(String),
      name: "Cookie",
      email: "cookie@example.com",
      emailVerified: false,
      image: null,
      createdAt: DATE,
      updatedAt: DATE,
    });
    const cookie = browser.cookies.get("authjs.session-token");
    expect(cookie?.value).toBe(signUp.data?.token);
    expect(cookie?.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/" });
    expect(cookie?.attributes.secure).toBeUndefined(); // http://127.0.0.1: no Secure
    expect(typeof cookie?.attributes.expires).toBe("string");

    const session = await client.getSession();
    expect(session.error).toBeNull();
    expect(session.data?.user).toMatchObject({ email: "cookie@example.com", name: "Cookie", emailVerified: false });
    expect(session.data?.session).toEqual({
      id: expect.any(String),
      token: session.data?.session.id, // the id, never the secret
      userId: signUp.data?.user.id,
      expiresAt: DATE,
      createdAt: DATE,
      updatedAt: DATE,
    });
    // Only the hash of the token is stored.
    const [row] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.id, session.data?.session.id ?? ""));
    expect(row?.sessionToken).toBe(hashSessionToken(signUp.data?.token ?? ""));

    const signOut = await client.signOut();
    expect(signOut.error).toBeNull();
    expect(signOut.data).toEqual({ success: true });
    expect(browser.cookies.has("authjs.session-token")).toBe(false);
    expect((await client.getSession()).data).toBeNull();
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.id, session.data?.session.id ?? "")),
    ).toEqual([]);

    const signIn = await client.signIn.email({ email: "cookie@example.com", password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(signIn.data).toEqual({
      redirect: false,
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user: expect.objectContaining({ email: "cookie@example.com", emailVerified: false }),
    });
    expect((await client.getSession()).data?.user.email).toBe("cookie@example.com");
  });

  it("is the Next app's session too: the API's cookie is what getSessionFromRequest and Auth.js read", async () => {
    const browser = jar();
    const client = createAuthClient({ baseURL: server.baseURL, fetchOptions: { customFetchImpl: browser.fetch } });
    await client.signUp.email({ email: "shared@example.com", password: PASSWORD, name: "Shared" });
    const cookieHeader = browser.header();
    const fromRequest = await auth.getSessionFromRequest(
      new Request(`${server.url}/`, { headers: { cookie: cookieHeader } }),
    );
    expect(fromRequest?.user.email).toBe("shared@example.com");
    // Auth.js's own /api/auth/session, through the same handlers (a path the JSON API does not serve).
    const response = await fetch(`${server.baseURL}/session`, { headers: { cookie: cookieHeader } });
    expect(((await response.json()) as { user?: { email?: string } }).user?.email).toBe("shared@example.com");
  });

  it("rememberMe: false gives a cookie that ends with the browser", async () => {
    const browser = jar();
    const client = createAuthClient({ baseURL: server.baseURL, fetchOptions: { customFetchImpl: browser.fetch } });
    await client.signUp.email({ email: "forget@example.com", password: PASSWORD, name: "Forget" });
    await client.signOut();
    const signIn = await client.signIn.email({ email: "forget@example.com", password: PASSWORD, rememberMe: false });
    expect(signIn.error).toBeNull();
    const cookie = browser.cookies.get("authjs.session-token");
    expect(cookie?.value).toBe(signIn.data?.token);
    expect(cookie?.attributes.expires).toBeUndefined();
    expect(cookie?.attributes["max-age"]).toBeUndefined();
  });

  it("lists and revokes sessions, changes the password, with better-auth's calls", async () => {
    const browser = jar();
    const client = createAuthClient({ baseURL: server.baseURL, fetchOptions: { customFetchImpl: browser.fetch } });
    await client.signUp.email({ email: "lists@example.com", password: PASSWORD, name: "Lists" });
    const other = jar();
    const otherClient = createAuthClient({ baseURL: server.baseURL, fetchOptions: { customFetchImpl: other.fetch } });
    await otherClient.signIn.email({ email: "lists@example.com", password: PASSWORD });

    const listed = await client.listSessions();
    expect(listed.error).toBeNull();
    expect(listed.data).toHaveLength(2);
    for (const item of listed.data ?? []) {
      expect(item).toMatchObject({ token: item.id, expiresAt: DATE, userAgent: expect.any(String) });
    }
    const mine = (await client.getSession()).data?.session.id;
    const theirs = listed.data?.find((item) => item.id !== mine);
    expect((await client.revokeSession({ token: theirs?.token ?? "" })).data).toEqual({ status: true });
    expect((await otherClient.getSession()).data).toBeNull();

    const changed = await client.changePassword({ currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(changed.error).toBeNull();
    expect(changed.data).toMatchObject({ token: null, user: { email: "lists@example.com" } });
    expect((await client.getSession()).data?.user.email).toBe("lists@example.com");
    const wrong = await client.changePassword({
      currentPassword: "not the password",
      newPassword: "another passphrase!",
    });
    expect(wrong.error).toMatchObject({ status: 400, code: "INVALID_PASSWORD" });

    expect((await client.revokeSessions()).data).toEqual({ status: true });
    expect((await client.getSession()).data).toBeNull();
  });
});

describe("better-auth's client, bearer mode (a mobile app or another server)", () => {
  it("signs up and in from set-auth-token, reads the session and signs out with Authorization: Bearer", async () => {
    let token: string | null = null;
    const seen: (string | null)[] = [];
    const client = createAuthClient({
      baseURL: server.baseURL,
      fetchOptions: {
        onSuccess: (context) => {
          const issued = context.response.headers.get("set-auth-token");
          seen.push(context.request.headers instanceof Headers ? context.request.headers.get("cookie") : null);
          if (issued) token = issued;
        },
        auth: { type: "Bearer", token: () => token ?? undefined },
      },
    });

    const signUp = await client.signUp.email({ email: "bearer@example.com", password: PASSWORD, name: "Bearer" });
    expect(signUp.error).toBeNull();
    expect(token).toBe(signUp.data?.token);

    const session = await client.getSession();
    expect(session.error).toBeNull();
    expect(session.data?.user).toMatchObject({ email: "bearer@example.com", name: "Bearer" });

    expect((await client.signOut()).data).toEqual({ success: true });
    expect((await client.getSession()).data).toBeNull(); // revoked: the same token no longer works

    const signIn = await client.signIn.email({ email: "bearer@example.com", password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(token).toBe(signIn.data?.token);
    expect((await client.getSession()).data?.user.email).toBe("bearer@example.com");
    const listed = await client.listSessions();
    expect(listed.data).toHaveLength(1);
    // No request of this client carried a cookie: the bearer token alone did it.
    expect(seen.every((cookie) => !cookie)).toBe(true);
  });

  it("resolves the bearer token as the cookie is resolved: revoking the row ends it at once", async () => {
    const first = await fetch(`${server.baseURL}/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "revoked@example.com", password: PASSWORD, name: "Revoked" }),
    });
    const token = first.headers.get("set-auth-token") ?? "";
    expect(first.headers.get("access-control-expose-headers")).toContain("set-auth-token");
    const client = createAuthClient({ baseURL: server.baseURL, fetchOptions: { auth: { type: "Bearer", token } } });
    const session = await client.getSession();
    expect(session.data?.user.email).toBe("revoked@example.com");
    const [user] = await db.select().from(users).where(eq(users.email, "revoked@example.com"));
    await auth.revokeAllSessions(user?.id ?? "");
    expect((await client.getSession()).data).toBeNull();
  });
});

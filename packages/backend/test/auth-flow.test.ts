import { count, eq, sql } from "drizzle-orm";
import { pgTable, text as pgText, timestamp as pgTimestamp } from "drizzle-orm/pg-core";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, hashSessionToken } from "../src/auth/index.js";
import { type Database, id, timestamps } from "../src/database/index.js";
import { id as pgId, timestamps as pgTimestamps } from "../src/database/postgres/index.js";
import { Browser, createTestAuth, errorCodeOf, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { sessions, users } from "./engines/tables.js";
import { createTestDatabase, onPostgres, runSQL } from "./helpers.js";

const DAY = 86_400_000;

/** The API-routes form of next-auth's auth(): the same session code path as auth() in a Server Component. */
async function authFor(auth: Auth, request: Request): Promise<unknown> {
  const call = auth.auth as unknown as (req: { headers: Headers }, res: { headers: Headers }) => Promise<unknown>;
  const headers = new Headers(request.headers);
  headers.set("host", "localhost:3000");
  headers.set("x-forwarded-proto", "http");
  return call({ headers }, { headers: new Headers() });
}

async function sessionRow(db: Database, token: string | undefined) {
  const [row] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.sessionToken, hashSessionToken(token ?? "")));
  return row;
}

describe("credentials sign-in through the Auth.js route handlers", () => {
  let auth: Auth;
  let db: Database;
  let errors: Error[];
  let cleanup: () => void;
  let userId: string;

  beforeAll(async () => {
    // Many sign-ins of one account here; the limits have their own tests.
    ({ auth, db, errors, cleanup } = await createTestAuth({
      rateLimit: { signIn: { perIP: 1000, perAccount: 1000 } },
    }));
    userId = await register(auth, "  Ann.Lee@Example.COM ");
  });
  afterAll(() => cleanup());

  it("signs up, signs in, resolves the session and signs out, which deletes the row", async () => {
    const [stored] = await db.select().from(users).where(eq(users.id, userId));
    expect(stored?.email).toBe("ann.lee@example.com");

    const browser = new Browser(auth);
    const response = await browser.signIn("ANN.LEE@example.com ", PASSWORD);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/dashboard`);
    const cookie = browser.lastSetCookies.find((c) => c.startsWith("authjs.session-token="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = browser.sessionToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await browser.session();
    expect(session).toMatchObject({
      user: { id: userId, email: "ann.lee@example.com", name: "Test User", image: null },
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const expires = new Date(String(session?.expires)).getTime();
    expect(Math.abs(expires - (Date.now() + 7 * DAY))).toBeLessThan(10_000);

    const row = await sessionRow(db, token);
    expect(row).toMatchObject({ userId, ipAddress: "203.0.113.7", userAgent: "vitest-browser/1.0" });

    const signOut = await browser.signOut();
    expect(signOut.status).toBe(302);
    expect(browser.sessionToken).toBeUndefined();
    expect(await browser.session()).toBeNull();
    expect(await sessionRow(db, token)).toBeUndefined();

    // The old cookie, replayed by someone who copied it, is dead too.
    const thief = new Browser(auth, "198.51.100.66");
    thief.cookies.set("authjs.session-token", token ?? "");
    expect(await thief.session()).toBeNull();
  });

  it("stores only the SHA-256 of the session token, never the cookie value", async () => {
    const browser = new Browser(auth);
    await browser.signIn("ann.lee@example.com", PASSWORD);
    const token = browser.sessionToken ?? "";
    const rows = await db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(rows.map((row) => row.sessionToken)).toContain(hashSessionToken(token));
    expect(rows.map((row) => row.sessionToken)).not.toContain(token);
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    // A leaked row is useless as a cookie.
    const attacker = new Browser(auth);
    attacker.cookies.set("authjs.session-token", hashSessionToken(token));
    expect(await attacker.session()).toBeNull();
  });

  it("answers a wrong password and an unknown email with the same redirect and code", async () => {
    const before = await db.select({ count: count() }).from(sessions);
    const wrong = await new Browser(auth, "203.0.113.10").signIn("ann.lee@example.com", "not the password");
    const unknown = await new Browser(auth, "203.0.113.11").signIn("nobody@example.com", "not the password");
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(302);
      expect(errorCodeOf(response)).toBe("INVALID_CREDENTIALS");
      expect(response.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(false);
    }
    expect(wrong.headers.get("location")).toBe(unknown.headers.get("location"));
    expect(await db.select({ count: count() }).from(sessions)).toEqual(before);
  });

  it("rejects a revoked session at once, and revokes others or all", async () => {
    const phone = new Browser(auth, "203.0.113.20", "phone");
    const laptop = new Browser(auth, "203.0.113.21", "laptop");
    const tablet = new Browser(auth, "203.0.113.22", "tablet");
    for (const browser of [phone, laptop, tablet]) await browser.signIn("ann.lee@example.com", PASSWORD);
    const phoneSession = await phone.session();
    const laptopSession = await laptop.session();

    const listed = await auth.listSessions(userId);
    expect(listed.map((s) => s.userAgent)).toEqual(expect.arrayContaining(["phone", "laptop", "tablet"]));
    expect(listed.find((s) => s.userAgent === "laptop")).toMatchObject({ ipAddress: "203.0.113.21" });
    expect(JSON.stringify(listed)).not.toContain(laptop.sessionToken);

    expect(await auth.revokeSession(userId, String(phoneSession?.sessionId))).toBe(true);
    expect(await phone.session()).toBeNull();
    expect(await laptop.session()).not.toBeNull();
    expect(await auth.revokeSession("someone-else", String(laptopSession?.sessionId))).toBe(false);

    expect(await auth.revokeOtherSessions(userId, String(laptopSession?.sessionId))).toBeGreaterThanOrEqual(1);
    expect(await tablet.session()).toBeNull();
    expect(await laptop.session()).not.toBeNull();

    expect(await auth.revokeAllSessions(userId)).toBe(1);
    expect(await laptop.session()).toBeNull();
  });

  it("getSessionFromToken resolves a bearer token as the cookie would, and stops at revocation", async () => {
    const device = new Browser(auth, "203.0.113.30", "mobile app");
    await device.signIn("ann.lee@example.com", PASSWORD);
    const token = String(device.sessionToken);
    const viaToken = await auth.getSessionFromToken(token);
    expect(viaToken).toEqual(await auth.getSessionFromRequest(device.makeRequest("GET", "/")));
    expect(viaToken?.user.id).toBe(userId);
    expect(await auth.getSessionFromToken(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await auth.getSessionFromToken("")).toBeNull();
    expect(await auth.revokeSession(userId, String(viaToken?.sessionId))).toBe(true);
    expect(await auth.getSessionFromToken(token)).toBeNull();
  });

  it("rejects an expired session and deletes its row, in both the handler and getSessionFromRequest", async () => {
    const browser = new Browser(auth);
    await browser.signIn("ann.lee@example.com", PASSWORD);
    const token = browser.sessionToken;
    await db
      .update(sessions)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(sessions.sessionToken, hashSessionToken(token ?? "")));
    expect(await auth.getSessionFromRequest(browser.makeRequest("GET", "/"))).toBeNull();
    expect(await sessionRow(db, token)).toBeUndefined();

    const second = new Browser(auth);
    await second.signIn("ann.lee@example.com", PASSWORD);
    const secondToken = second.sessionToken;
    await db
      .update(sessions)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(sessions.sessionToken, hashSessionToken(secondToken ?? "")));
    expect(await second.session()).toBeNull();
    expect(second.sessionToken).toBeUndefined();
    expect(await sessionRow(db, secondToken)).toBeUndefined();
  });

  it("slides the expiry once updateAge has passed, the same way in both paths", async () => {
    const viaHandler = new Browser(auth);
    const viaHelper = new Browser(auth);
    await viaHandler.signIn("ann.lee@example.com", PASSWORD);
    await viaHelper.signIn("ann.lee@example.com", PASSWORD);
    // Signed in a bit over a day ago: due for a refresh (maxAge 7 d, updateAge 1 d).
    const due = new Date(Date.now() + 6 * DAY - 60_000);
    for (const browser of [viaHandler, viaHelper]) {
      await db
        .update(sessions)
        .set({ expires: due })
        .where(eq(sessions.sessionToken, hashSessionToken(browser.sessionToken ?? "")));
    }
    const handlerSession = await viaHandler.session();
    const helperSession = await auth.getSessionFromRequest(viaHelper.makeRequest("GET", "/"));
    // Both report the expiry read before the refresh, as Auth.js does, and both move the row.
    expect(handlerSession?.expires).toBe(due.toISOString());
    expect(helperSession?.expires).toBe(due.toISOString());
    const [a, b] = [await sessionRow(db, viaHandler.sessionToken), await sessionRow(db, viaHelper.sessionToken)];
    for (const row of [a, b])
      expect(Math.abs((row?.expires.getTime() ?? 0) - (Date.now() + 7 * DAY))).toBeLessThan(5_000);
    // The handler also re-sends the cookie with the new expiry.
    const cookie = viaHandler.lastSetCookies.find((c) => c.startsWith("authjs.session-token="));
    const cookieExpires = new Date(/Expires=([^;]+)/.exec(cookie ?? "")?.[1] ?? 0).getTime();
    expect(Math.abs(cookieExpires - (Date.now() + 7 * DAY))).toBeLessThan(5_000);

    // Not due yet: nothing is written.
    const before = await sessionRow(db, viaHandler.sessionToken);
    await viaHandler.session();
    await auth.getSessionFromRequest(viaHandler.makeRequest("GET", "/"));
    expect((await sessionRow(db, viaHandler.sessionToken))?.updatedAt).toEqual(before?.updatedAt);
  });

  it("getSessionFromRequest agrees with auth() and /api/auth/session on the same cookies", async () => {
    const browser = new Browser(auth);
    await browser.signIn("ann.lee@example.com", PASSWORD);
    const garbage = new Browser(auth);
    garbage.cookies.set("authjs.session-token", "x".repeat(43));
    const malformed = new Browser(auth);
    malformed.cookies.set("authjs.session-token", "%%%not a token");
    const anonymous = new Browser(auth);
    const revoked = new Browser(auth);
    await revoked.signIn("ann.lee@example.com", PASSWORD);
    const revokedSession = await revoked.session();
    await auth.revokeSession(userId, String(revokedSession?.sessionId));

    for (const client of [browser, garbage, malformed, anonymous, revoked]) {
      const request = client.makeRequest("GET", "/");
      const fast = await auth.getSessionFromRequest(request);
      const viaAuth = await authFor(auth, client.makeRequest("GET", "/"));
      const viaRoute = await client.session();
      expect(fast).toEqual(viaAuth);
      expect(fast).toEqual(viaRoute);
    }
    expect(await auth.getSessionFromRequest(browser.makeRequest("GET", "/"))).toMatchObject({ user: { id: userId } });
  });

  it("resolves a session much faster than Auth.js's own session route", async () => {
    const browser = new Browser(auth);
    await browser.signIn("ann.lee@example.com", PASSWORD);
    const request = browser.makeRequest("GET", "/api/auth/session");
    expect(await auth.getSessionFromRequest(request)).toMatchObject({ user: { id: userId } });
    const rounds = 400;
    const time = async (fn: () => Promise<unknown>): Promise<number> => {
      for (let i = 0; i < 50; i++) await fn();
      const start = performance.now();
      for (let i = 0; i < rounds; i++) await fn();
      return (rounds / (performance.now() - start)) * 1000;
    };
    const route = await time(() => auth.handlers.GET(request.clone() as never));
    const fast = await time(() => auth.getSessionFromRequest(request));
    // The floor: the same point query straight through @libsql/client.
    const query = {
      sql: "SELECT * FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.session_token = ? LIMIT 1",
      args: [hashSessionToken(browser.sessionToken ?? "")],
    };
    const raw = await time(() => db.$client.execute(query));
    console.info(
      `session resolution on this machine: Auth.js /session route ${route.toFixed(0)}/s, ` +
        `getSessionFromRequest ${fast.toFixed(0)}/s (${(fast / route).toFixed(1)}x), raw libSQL query ${raw.toFixed(0)}/s`,
    );
    expect(fast).toBeGreaterThan(route * 2);
  });

  it("logged nothing but the expected sign-in failures", () => {
    const unexpected = errors.filter((error) => (error as { type?: string }).type !== "CredentialsSignin");
    expect(unexpected).toEqual([]);
  });
});

describe("configurable session lifetime", () => {
  it("uses session.maxAge for the row and the cookie, and session.updateAge for the refresh", async () => {
    const { auth, db, cleanup } = await createTestAuth({ session: { maxAge: 3600, updateAge: 60 } });
    try {
      await register(auth, "short@example.com");
      const browser = new Browser(auth);
      await browser.signIn("short@example.com", PASSWORD);
      const row = await sessionRow(db, browser.sessionToken);
      expect(Math.abs((row?.expires.getTime() ?? 0) - (Date.now() + 3_600_000))).toBeLessThan(5_000);
      const cookie = browser.lastSetCookies.find((c) => c.startsWith("authjs.session-token="));
      expect(
        Math.abs(new Date(/Expires=([^;]+)/.exec(cookie ?? "")?.[1] ?? 0).getTime() - (Date.now() + 3_600_000)),
      ).toBeLessThan(5_000);
      // 61 s after sign-in the session is due (updateAge 60 s) and slides to a full hour again.
      const due = new Date(Date.now() + 3_600_000 - 61_000);
      await db
        .update(sessions)
        .set({ expires: due })
        .where(eq(sessions.id, row?.id ?? ""));
      await auth.getSessionFromRequest(browser.makeRequest("GET", "/"));
      const slid = await sessionRow(db, browser.sessionToken);
      expect(slid?.expires.getTime()).toBeGreaterThan(due.getTime() + 50_000);
    } finally {
      cleanup();
    }
  });
});

describe("session contents and composed callbacks", () => {
  it("puts user.id and the app's role in the session, and composes the app's callbacks and events", async () => {
    const t = await createTestDatabase();
    // The app's extended users table: the package's columns plus a role.
    await runSQL(t.db, sql`ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'member'`);
    const appUsers = onPostgres()
      ? (pgTable("users", {
          id: pgId(),
          name: pgText("name"),
          email: pgText("email"),
          emailVerified: pgTimestamp("email_verified", { withTimezone: true, mode: "date" }),
          image: pgText("image"),
          role: pgText("role").notNull().default("member"),
          ...pgTimestamps(),
        }) as never)
      : sqliteTable(
          "users",
          {
            id: id(),
            name: text("name"),
            email: text("email"),
            emailVerified: integer("email_verified", { mode: "timestamp_ms" }),
            image: text("image"),
            role: text("role").notNull().default("member"),
            ...timestamps(),
          },
          (table) => [
            uniqueIndex("users_email_lower_unique").on(sql`lower(${table.email})`),
            index("users_email_idx").on(table.email),
          ],
        );
    const signIns: string[] = [];
    const { auth } = await createTestAuth(
      {
        tables: { users: appUsers as unknown as typeof users },
        callbacks: {
          // Refuses one address; the library's checks still run for the others.
          signIn: ({ user }) => user.email !== "banned@example.com",
          // Drops user.id on purpose: the library puts it back.
          session: ({ session }) => ({ ...session, user: { name: session.user?.name }, plan: "pro" }) as never,
        },
        events: {
          signIn: ({ user }) => {
            signIns.push(String(user.email));
          },
        },
      },
      t,
    );
    const adminId = await register(auth, "admin@example.com");
    await runSQL(t.db, sql`UPDATE users SET role = 'admin' WHERE id = ${adminId}`);
    await register(auth, "banned@example.com");

    const browser = new Browser(auth);
    await browser.signIn("admin@example.com", PASSWORD);
    const session = await browser.session();
    expect(session).toMatchObject({ user: { id: adminId, name: "Test User" }, plan: "pro" });
    expect(await auth.getSessionFromRequest(browser.makeRequest("GET", "/"))).toEqual(session);
    // The library's session (before the app's callback reshaped it) carries the role.
    const plain = await createTestAuth({ tables: { users: appUsers as unknown as typeof users } }, t);
    const other = new Browser(plain.auth);
    await other.signIn("admin@example.com", PASSWORD);
    expect(await other.session()).toMatchObject({ user: { id: adminId, role: "admin" } });

    const banned = await new Browser(auth).signIn("banned@example.com", PASSWORD);
    expect(new URL(banned.headers.get("location") ?? "").searchParams.get("error")).toBe("AccessDenied");
    expect(signIns).toEqual(["admin@example.com"]);
    t.cleanup();
  });
});

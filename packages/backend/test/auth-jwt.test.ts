// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, isTetrastackError } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, PASSWORD, register } from "./auth-helpers.js";
import { inRequest, requestScope, type ScopeCookie } from "./auth-next-request.js";
import { sessions } from "./engines/tables.js";

describe('session.strategy: "jwt" (opt-in)', () => {
  let auth: Auth;
  let db: Database;
  let cleanup: () => void;
  let userId: string;

  beforeAll(async () => {
    ({ auth, db, cleanup } = await createTestAuth({ session: { strategy: "jwt" } }));
    userId = await register(auth, "jwt@example.com");
  });
  afterAll(() => cleanup());

  it("signs in with credentials into an encrypted cookie, with no session row", async () => {
    const browser = new Browser(auth);
    await browser.signIn("jwt@example.com", PASSWORD);
    expect(browser.sessionToken?.split(".")).toHaveLength(5);
    const session = await browser.session();
    expect(session).toMatchObject({ user: { id: userId, email: "jwt@example.com" } });
    const fromRequest = await auth.getSessionFromRequest(browser.makeRequest("GET", "/"));
    expect(fromRequest?.user).toEqual(session?.user);
    expect(await db.select({ n: count() }).from(sessions)).toEqual([{ n: 0 }]);
  });

  it("cannot end a copied cookie at sign-out: the trade-off of the JWT strategy", async () => {
    const browser = new Browser(auth);
    await browser.signIn("jwt@example.com", PASSWORD);
    const copied = browser.sessionToken ?? "";
    await browser.signOut();
    expect(browser.sessionToken).toBeUndefined();
    const thief = new Browser(auth);
    thief.cookies.set("authjs.session-token", copied);
    expect(await thief.session()).toMatchObject({ user: { id: userId } });
    expect(await auth.revokeAllSessions(userId)).toBe(0);
  });

  it("getSession and requireFreshSession work from the token's sign-in time", async () => {
    const browser = new Browser(auth);
    await browser.signIn("jwt@example.com", PASSWORD);
    const jar = new Map<string, ScopeCookie>([
      ["authjs.session-token", { value: browser.sessionToken ?? "", options: {} }],
    ]);
    const session = await inRequest({ ...requestScope(jar), readOnly: true }, () => auth.getSession());
    expect(session?.user.id).toBe(userId);
    const fresh = await inRequest(requestScope(jar), () => auth.requireFreshSession(60));
    expect(fresh.user.id).toBe(userId);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stale = await inRequest(requestScope(jar), () => auth.requireFreshSession(0)).catch((e: unknown) => e);
    expect(isTetrastackError(stale, "SESSION_STALE")).toBe(true);
  });
});

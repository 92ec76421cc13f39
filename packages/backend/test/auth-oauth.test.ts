import { and, eq } from "drizzle-orm";
import Resend from "next-auth/providers/resend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, type AuthOptions, hashSessionToken } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, errorCodeOf, ORIGIN, PASSWORD, register } from "./auth-helpers.js";
import { accounts, sessions, users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";
import { acmeProvider, errorOf, oauthSignIn, type Profile } from "./oauth-helpers.js";

describe("OAuth sign-in and account linking", () => {
  let db: Database;
  let cleanup: () => void;
  const profile: { current: Profile } = { current: { sub: "0" } };
  let auth: Auth;

  const make = async (options: Partial<AuthOptions> = {}) =>
    (await createTestAuth({ providers: [acmeProvider(profile)], ...options }, { db })).auth;

  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
    auth = await make();
  });
  afterAll(() => cleanup());

  it("creates a user, an account and a hashed database session for a new OAuth user", async () => {
    profile.current = { sub: "acme-1", email: "New.User@Example.com", name: "New", email_verified: true };
    const browser = new Browser(auth);
    const response = await oauthSignIn(browser);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/dashboard`);
    const session = await browser.session();
    expect(session).toMatchObject({ user: { email: "new.user@example.com", name: "New" } });
    const [user] = await db.select().from(users).where(eq(users.email, "new.user@example.com"));
    expect(user?.emailVerified).toBeInstanceOf(Date);
    const [account] = await db
      .select()
      .from(accounts)
      .where(eq(accounts.userId, user?.id ?? ""));
    expect(account).toMatchObject({ provider: "acme", providerAccountId: "acme-1", type: "oauth" });
    const [row] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.sessionToken, hashSessionToken(browser.sessionToken ?? "")));
    expect(row?.userId).toBe(user?.id);
    expect(browser.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses to link by email alone when the provider does not vouch for it", async () => {
    const userId = await register(auth, "victim@example.com");
    profile.current = { sub: "acme-attacker", email: "victim@example.com", email_verified: false };
    const browser = new Browser(auth);
    const response = await oauthSignIn(browser);
    expect(errorOf(response)).toBe("OAuthAccountNotLinked");
    expect(browser.sessionToken).toBeUndefined();
    expect(await db.select().from(accounts).where(eq(accounts.providerAccountId, "acme-attacker"))).toEqual([]);
    // The password account is untouched.
    const owner = new Browser(auth);
    await owner.signIn("victim@example.com", PASSWORD);
    expect(await owner.session()).toMatchObject({ user: { id: userId } });
  });

  it("links when the provider verifies the email, taking over from an unverified pre-registration", async () => {
    // Someone registered the address with a password and holds a session; the email was never verified.
    const squatterId = await register(auth, "owner@example.com");
    const squatter = new Browser(auth, "198.51.100.200");
    await squatter.signIn("owner@example.com", PASSWORD);
    expect(await squatter.session()).not.toBeNull();

    profile.current = { sub: "acme-owner", email: "Owner@Example.com", email_verified: true };
    const owner = new Browser(auth);
    const response = await oauthSignIn(owner);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/dashboard`);
    expect(await owner.session()).toMatchObject({ user: { id: squatterId, email: "owner@example.com" } });
    // The verified owner keeps the user; the unverified password and sessions are gone.
    expect(await squatter.session()).toBeNull();
    expect(errorCodeOf(await new Browser(auth, "198.51.100.201").signIn("owner@example.com", PASSWORD))).toBe(
      "INVALID_CREDENTIALS",
    );
    const methods = await db
      .select({ provider: accounts.provider })
      .from(accounts)
      .where(eq(accounts.userId, squatterId));
    expect(methods).toEqual([{ provider: "acme" }]);
    const [user] = await db.select().from(users).where(eq(users.id, squatterId));
    expect(user?.emailVerified).toBeInstanceOf(Date);
  });

  it("links to a user whose email is already verified without touching their password or sessions", async () => {
    const userId = await register(auth, "verified@example.com");
    await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, userId));
    const existing = new Browser(auth, "198.51.100.210");
    await existing.signIn("verified@example.com", PASSWORD);

    profile.current = { sub: "acme-verified", email: "verified@example.com", email_verified: true };
    const browser = new Browser(auth);
    await oauthSignIn(browser);
    expect(await browser.session()).toMatchObject({ user: { id: userId } });
    expect(await existing.session()).toMatchObject({ user: { id: userId } });
    const providers = await db
      .select({ provider: accounts.provider })
      .from(accounts)
      .where(eq(accounts.userId, userId));
    expect(providers.map((p) => p.provider).sort()).toEqual(["acme", "credentials"]);
    // The next OAuth sign-in finds the linked account directly.
    const again = new Browser(auth);
    await oauthSignIn(again);
    expect(await again.session()).toMatchObject({ user: { id: userId } });
  });

  it("lets the app decide for providers that send no verification flag, and can turn linking off", async () => {
    const userId = await register(auth, "github-style@example.com");
    await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, userId));
    profile.current = { sub: "gh-1", email: "github-style@example.com" };
    expect(errorOf(await oauthSignIn(new Browser(auth)))).toBe("OAuthAccountNotLinked");

    const off = await make({ accountLinking: { enabled: false, isEmailVerified: () => true } });
    expect(errorOf(await oauthSignIn(new Browser(off)))).toBe("OAuthAccountNotLinked");

    const trusting = await make({ accountLinking: { isEmailVerified: ({ provider }) => provider === "acme" } });
    const browser = new Browser(trusting);
    await oauthSignIn(browser);
    expect(await browser.session()).toMatchObject({ user: { id: userId } });
    const linked = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.provider, "acme"), eq(accounts.providerAccountId, "gh-1")));
    expect(linked).toHaveLength(1);
  });
});

describe("email sign-in (magic links) rate limit", () => {
  it("stops sending after the limit and redirects with code RATE_LIMITED", async () => {
    const sent: string[] = [];
    // The mail API is third-party: sendVerificationRequest records instead of calling it.
    const email = Resend({
      apiKey: "unused",
      from: "auth@example.com",
      sendVerificationRequest: async ({ identifier }) => {
        sent.push(identifier);
      },
    });
    const { auth, cleanup } = await createTestAuth({
      providers: [email],
      rateLimit: { email: { window: 600, perIP: 10, perAccount: 2 } },
    });
    try {
      const request = async (address: string, ip = "203.0.113.90") => {
        const browser = new Browser(auth, ip);
        const csrfToken = await browser.csrf();
        const response = await browser.request("POST", "/api/auth/signin/resend", {
          csrfToken,
          email: address,
          callbackUrl: `${ORIGIN}/`,
        });
        return new URL(response.headers.get("location") ?? "");
      };
      expect((await request("Mail@Example.com")).pathname).toBe("/api/auth/verify-request");
      expect((await request("mail@example.com", "203.0.113.91")).pathname).toBe("/api/auth/verify-request");
      const limited = await request(" MAIL@example.com", "203.0.113.92");
      expect(limited.pathname).toBe("/api/auth/error");
      expect(limited.searchParams.get("code")).toBe("RATE_LIMITED");
      expect(Number(limited.searchParams.get("retryAfter"))).toBeGreaterThan(590);
      expect(sent).toEqual(["mail@example.com", "mail@example.com"]);
    } finally {
      cleanup();
    }
  });
});

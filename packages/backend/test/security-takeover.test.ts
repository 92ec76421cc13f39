// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, errorCodeOf, register } from "./auth-helpers.js";
import { accounts, authenticators, users, verificationTokens } from "./engines/tables.js";
import { seedAuthenticatorAndUpload } from "./helpers.js";
import {
  action,
  type captureMail,
  createLifecycleAuth,
  nextIP,
  rejection,
  sessionUser,
  signIn,
} from "./lifecycle-helpers.js";
import { acmeProvider, errorOf, oauthSignIn, type Profile } from "./oauth-helpers.js";

// Pre-account takeover (Sudhodanan & Paverd, "Pre-hijacked accounts", 2022), each attack played
// through the real Auth.js route handlers and the public flows on a libSQL file. The squatter
// registers the victim's address before the victim does; the rule under test: whenever someone
// proves an unverified address (vouching OAuth, reset link, sign-in link, verification link),
// every way into the account that the prover did not create is gone, in the same transaction.
// Mocked: the OAuth provider's token/userinfo endpoints (oauth-helpers.ts) and the mail provider.
// @see issue 10, findings 1–3

const ATTACKER_PASSWORD = "the squatter's passphrase";

/** The providers of the accounts rows (ways in) a user has. */
async function waysIn(db: Database, userId: string): Promise<string[]> {
  const rows = await db.select({ provider: accounts.provider }).from(accounts).where(eq(accounts.userId, userId));
  return rows.map((row) => row.provider).sort();
}

describe("pre-account takeover", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  // "acme" vouches for emails (email_verified: true, as Google does); "hub" is GitHub-like and
  // sends no verification flag, so the default isEmailVerified never trusts it.
  const acme: { current: Profile } = { current: { sub: "0" } };
  const hub: { current: Profile } = { current: { sub: "0" } };

  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({
      providers: [acmeProvider(acme), acmeProvider(hub, "hub")],
      emailSignIn: { enabled: true },
    }));
  });
  afterAll(() => cleanup());

  /** The squatter registers `email`, signs in, and keeps that session. */
  async function squat(email: string): Promise<{ userId: string; squatter: Browser }> {
    const userId = await register(auth, email, ATTACKER_PASSWORD);
    const squatter = await signIn(auth, email, ATTACKER_PASSWORD);
    return { userId, squatter };
  }

  /** A way in left behind from before linking was refused (or planted by any other bug): a trojan identity. */
  async function plantTrojanIdentity(userId: string, sub: string): Promise<void> {
    await db.insert(accounts).values({ userId, type: "oauth", provider: "hub", providerAccountId: sub });
  }

  /** The squatter signs back in through their own identity; returns whose session they get. */
  async function squatterReturns(sub: string): Promise<string | undefined> {
    hub.current = { sub, email: `${sub}@evil.example` };
    const browser = new Browser(auth, nextIP());
    await oauthSignIn(browser, "hub");
    return (await sessionUser(browser))?.id;
  }

  it("refuses to link an OAuth identity to a signed-in account whose email is unverified", async () => {
    const { userId, squatter } = await squat("linkvictim@example.com");
    hub.current = { sub: "attacker-1", email: "attacker@evil.example" };
    const response = await oauthSignIn(squatter, "hub");
    expect(errorOf(response)).toBe("AccessDenied");
    expect(errorCodeOf(response)).toBe("EMAIL_NOT_VERIFIED");
    expect(await waysIn(db, userId)).toEqual(["credentials"]);
    // Even a provider that vouches, but for another address, is refused.
    acme.current = { sub: "attacker-2", email: "attacker@evil.example", email_verified: true };
    expect(errorCodeOf(await oauthSignIn(squatter, "acme"))).toBe("EMAIL_NOT_VERIFIED");
    expect(await waysIn(db, userId)).toEqual(["credentials"]);
  });

  it("lets a verified account link an identity while signed in, as Auth.js does", async () => {
    const { userId, browser } = await (async () => {
      const id = await register(auth, "verified-linker@example.com");
      await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, id));
      return { userId: id, browser: await signIn(auth, "verified-linker@example.com") };
    })();
    hub.current = { sub: "own-hub-identity", email: "elsewhere@example.com" };
    await oauthSignIn(browser, "hub");
    expect(await waysIn(db, userId)).toEqual(["credentials", "hub"]);
  });

  it("removes the squatter's identity, session and password when the owner signs in with a vouching provider", async () => {
    const { userId, squatter } = await squat("oauthvictim@example.com");
    await plantTrojanIdentity(userId, "trojan-oauth");
    await seedAuthenticatorAndUpload(db, userId);
    acme.current = { sub: "owner-oauth", email: "oauthvictim@example.com", email_verified: true };
    const owner = new Browser(auth, nextIP());
    await oauthSignIn(owner, "acme");
    expect((await sessionUser(owner))?.id).toBe(userId);
    expect(await waysIn(db, userId)).toEqual(["acme"]);
    expect(await db.select().from(authenticators).where(eq(authenticators.userId, userId))).toEqual([]);
    expect(await squatter.session()).toBeNull();
    expect(await squatterReturns("trojan-oauth")).not.toBe(userId);
  });

  it("removes them when the owner resets the password by the mailed link", async () => {
    const { userId, squatter } = await squat("resetvictim@example.com");
    await plantTrojanIdentity(userId, "trojan-reset");
    await action(null, () => auth.requestPasswordReset("resetvictim@example.com"));
    await action(null, () => auth.resetPassword(mail.token("resetvictim@example.com"), "the owner's new passphrase"));
    expect(await waysIn(db, userId)).toEqual(["credentials"]);
    expect(await squatter.session()).toBeNull();
    expect(await squatterReturns("trojan-reset")).not.toBe(userId);
    expect(errorCodeOf(await new Browser(auth, nextIP()).signIn("resetvictim@example.com", ATTACKER_PASSWORD))).toBe(
      "INVALID_CREDENTIALS",
    );
    await signIn(auth, "resetvictim@example.com", "the owner's new passphrase");
  });

  it("removes them when the owner signs in by email link", async () => {
    const { userId, squatter } = await squat("linkinvictim@example.com");
    await plantTrojanIdentity(userId, "trojan-link");
    await action(null, () => auth.sendSignInLink("linkinvictim@example.com"));
    const owner = new Browser(auth, nextIP());
    const link = mail.link("linkinvictim@example.com");
    await owner.request("GET", `${link.pathname}${link.search}`);
    expect((await sessionUser(owner))?.id).toBe(userId);
    expect(await waysIn(db, userId)).toEqual([]);
    expect(await squatter.session()).toBeNull();
    expect(await squatterReturns("trojan-link")).not.toBe(userId);
  });

  it("removes them when the owner verifies the address (asking the password unless signed in)", async () => {
    const { userId, squatter } = await squat("verifyvictim@example.com");
    await plantTrojanIdentity(userId, "trojan-verify");
    await action(null, () => auth.requestEmailVerification("verifyvictim@example.com"));
    const token = mail.token("verifyvictim@example.com");
    // The mailbox owner did not choose the password: the link alone does not verify the account.
    expect((await rejection(action(null, () => auth.verifyEmail(token)))).code).toBe("REAUTHENTICATION_REQUIRED");
    expect((await rejection(action(null, () => auth.verifyEmail(token, { password: "a guess, wrong" })))).code).toBe(
      "INVALID_CREDENTIALS",
    );
    const [unverified] = await db.select().from(users).where(eq(users.id, userId));
    expect(unverified?.emailVerified).toBeNull();
    // Whoever knows the password and the mailbox verifies it; the rest of what is on it goes.
    await action(null, () => auth.verifyEmail(token, { password: ATTACKER_PASSWORD }));
    expect(await waysIn(db, userId)).toEqual(["credentials"]);
    expect(await squatter.session()).toBeNull();
    expect(await squatterReturns("trojan-verify")).not.toBe(userId);
  });

  it("drops the squatter's pending email change when the owner claims the address", async () => {
    const { userId, squatter } = await squat("movevictim@example.com");
    await action(squatter, () => auth.requestEmailChange("squatter-new@evil.example", { password: ATTACKER_PASSWORD }));
    const pending = mail.token("squatter-new@evil.example");
    await action(null, () => auth.requestPasswordReset("movevictim@example.com"));
    const owner = new Browser(auth, nextIP());
    await action(owner, () => auth.resetPassword(mail.token("movevictim@example.com"), "owner passphrase here"));
    const stillPending = await db
      .select()
      .from(verificationTokens)
      .where(and(eq(verificationTokens.userId, userId), eq(verificationTokens.purpose, "change-email")));
    expect(stillPending).toEqual([]);
    // Confirming it later, anonymously, no longer moves the account.
    expect((await rejection(action(null, () => auth.confirmEmailChange(pending)))).code).toBe("TOKEN_INVALID");
    const [row] = await db.select().from(users).where(eq(users.id, userId));
    expect(row?.email).toBe("movevictim@example.com");
    await signIn(auth, "movevictim@example.com", "owner passphrase here");
  });

  it("never lets a provider that does not vouch create a user that blocks or captures the owner", async () => {
    // GitHub-like: no email_verified. The user it creates does not carry the address.
    hub.current = { sub: "hub-squatter", email: "Blocked.Owner@example.com" };
    const attacker = new Browser(auth, nextIP());
    await oauthSignIn(attacker, "hub");
    const attackerUser = (await sessionUser(attacker)) as { id: string; email: string | null } | undefined;
    expect(attackerUser?.id).toBeTruthy();
    expect(attackerUser?.email).toBeNull();
    // The owner registers the address without a CONFLICT…
    const ownerId = await register(auth, "blocked.owner@example.com");
    expect(ownerId).not.toBe(attackerUser?.id);
    // …and a vouching sign-in lands on the owner's user, never on the one the attacker made.
    acme.current = { sub: "owner-acme", email: "blocked.owner@example.com", email_verified: true };
    const owner = new Browser(auth, nextIP());
    await oauthSignIn(owner, "acme");
    expect((await sessionUser(owner))?.id).toBe(ownerId);
    expect(await waysIn(db, attackerUser?.id ?? "")).toEqual(["hub"]);
  });

  it("keeps what the prover made: the owner's own session and password when verifying while signed in", async () => {
    const userId = await register(auth, "own-verify@example.com");
    const laptop = await signIn(auth, "own-verify@example.com");
    const phone = await signIn(auth, "own-verify@example.com");
    await action(null, () => auth.requestEmailVerification("own-verify@example.com"));
    await action(laptop, () => auth.verifyEmail(mail.token("own-verify@example.com")));
    expect(await waysIn(db, userId)).toEqual(["credentials"]);
    expect((await sessionUser(laptop))?.id).toBe(userId);
    // Another session on the unverified account was not proven by this browser.
    expect(await phone.session()).toBeNull();
  });
});

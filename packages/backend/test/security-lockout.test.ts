// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, errorCodeOf, PASSWORD, register } from "./auth-helpers.js";
import { users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";
import { action, type captureMail, createLifecycleAuth, nextIP } from "./lifecycle-helpers.js";

// Lockout and rate-limit abuse, played through the real Auth.js credentials route: an attacker
// who knows an address tries to keep its owner out. OWASP's answer is device cookies: a browser
// that signed in before is not subject to the lock attackers trigger from elsewhere.
// @see issue 10, findings 4, 5 and 7

const KNOWN_DEVICE = "tetrastack.known-device";

/** Signs in and tells the outcome: null on success, else the error code. */
async function attempt(browser: Browser, email: string, password: string): Promise<string | null> {
  const response = await browser.signIn(email, password);
  return errorCodeOf(response);
}

describe("sign-in budget and lockout abuse", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  it("does not count malformed attempts against the account (empty passwords cost nothing and spend nothing)", async () => {
    const { auth } = await createTestAuth({}, { db });
    await register(auth, "malformed-target@example.com");
    for (let i = 0; i < 12; i++) {
      const code = await attempt(new Browser(auth, nextIP()), "malformed-target@example.com", "");
      expect(code).toBe("INVALID_CREDENTIALS");
    }
    // rateLimit.signIn.perAccount is 10: before the fix these twelve locked the owner out for 5 minutes.
    expect(await attempt(new Browser(auth, nextIP()), "malformed-target@example.com", PASSWORD)).toBeNull();
  });

  it("checks at most the threshold of a burst of concurrent wrong passwords", async () => {
    for (const storage of ["database", "memory"] as const) {
      const { auth } = await createTestAuth(
        { lockout: { threshold: 5, baseSeconds: 60 }, rateLimit: { storage, signIn: { perAccount: 1000 } } },
        { db },
      );
      const email = `burst-${storage}@example.com`;
      await register(auth, email);
      const codes = await Promise.all(
        Array.from({ length: 10 }, () => attempt(new Browser(auth, nextIP()), email, "wrong password!")),
      );
      // Before the fix all ten were checked (ten hashes, ten INVALID_CREDENTIALS).
      expect(codes.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(5);
      expect(codes.filter((code) => code === "ACCOUNT_LOCKED")).toHaveLength(5);
    }
  });

  it("lets the owner's known browser in however hard an attacker hammers the account", async () => {
    const { auth } = await createTestAuth({}, { db });
    await register(auth, "hammered@example.com");
    const owner = new Browser(auth, "198.51.100.77");
    expect(await attempt(owner, "hammered@example.com", PASSWORD)).toBeNull();
    expect(owner.cookies.get(KNOWN_DEVICE)).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    const refused: Record<string, number> = {};
    let attacks = 0;
    let ownerSuccesses = 0;
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      // The attacker: wrong passwords from ever-changing addresses, some with forged device cookies.
      for (let i = 0; i < 30; i++) {
        const attacker = new Browser(auth, nextIP());
        if (i % 3 === 0) attacker.cookies.set(KNOWN_DEVICE, `${"A".repeat(22)}.${"B".repeat(43)}`);
        const code = await attempt(attacker, "hammered@example.com", `guess number ${round}-${i}`);
        refused[code ?? "signed in"] = (refused[code ?? "signed in"] ?? 0) + 1;
        attacks++;
      }
      if ((await attempt(owner, "hammered@example.com", PASSWORD)) === null) ownerSuccesses++;
    }
    // The same right password from a browser the account has never seen is kept out: the attack is real.
    expect(await attempt(new Browser(auth, nextIP()), "hammered@example.com", PASSWORD)).toMatch(
      /^(ACCOUNT_LOCKED|RATE_LIMITED)$/,
    );
    console.info(
      `known-device owner: ${ownerSuccesses}/${rounds} sign-ins succeeded during ${attacks} attacker attempts (${JSON.stringify(refused)})`,
    );
    expect(ownerSuccesses).toBe(rounds);
    expect(refused["signed in"]).toBeUndefined();
  });

  it("binds a known-device cookie to its account: it does nothing for another one", async () => {
    const { auth } = await createTestAuth({ lockout: { threshold: 2, baseSeconds: 60 } }, { db });
    await register(auth, "device-a@example.com");
    await register(auth, "device-b@example.com");
    const browser = new Browser(auth, nextIP());
    expect(await attempt(browser, "device-a@example.com", PASSWORD)).toBeNull();
    for (let i = 0; i < 2; i++) await attempt(new Browser(auth, nextIP()), "device-b@example.com", "wrong password!");
    // Known for A, unknown for B: B's account-wide lock applies to it.
    expect(await attempt(browser, "device-b@example.com", PASSWORD)).toBe("ACCOUNT_LOCKED");
    // A tampered cookie is no device at all.
    const tampered = new Browser(auth, nextIP());
    const [nonce, mac] = (browser.cookies.get(KNOWN_DEVICE) ?? "").split("~")[0]?.split(".") ?? [];
    tampered.cookies.set(KNOWN_DEVICE, `${nonce}.${mac?.slice(0, -2)}AA`);
    for (let i = 0; i < 2; i++) await attempt(new Browser(auth, nextIP()), "device-a@example.com", "wrong password!");
    expect(await attempt(tampered, "device-a@example.com", PASSWORD)).toBe("ACCOUNT_LOCKED");
    expect(await attempt(browser, "device-a@example.com", PASSWORD)).toBeNull();
  });

  it("gives a known device a lock of its own, which leaves the account's other browsers alone", async () => {
    const { auth } = await createTestAuth({ lockout: { threshold: 3, baseSeconds: 60 } }, { db });
    await register(auth, "own-lock@example.com");
    const stolen = new Browser(auth, nextIP());
    expect(await attempt(stolen, "own-lock@example.com", PASSWORD)).toBeNull();
    for (let i = 0; i < 3; i++)
      expect(await attempt(stolen, "own-lock@example.com", "wrong!!!")).toBe("INVALID_CREDENTIALS");
    expect(await attempt(stolen, "own-lock@example.com", PASSWORD)).toBe("ACCOUNT_LOCKED");
    expect(await attempt(new Browser(auth, nextIP()), "own-lock@example.com", PASSWORD)).toBeNull();
  });
});

describe("the owner always has a way back in", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({
      lockout: { threshold: 3, baseSeconds: 3600 },
      emailSignIn: { enabled: true },
    }));
  });
  afterAll(() => cleanup());

  async function lockOut(email: string): Promise<void> {
    for (let i = 0; i < 3; i++) await attempt(new Browser(auth, nextIP()), email, "attacker guess!");
    expect(await attempt(new Browser(auth, nextIP()), email, PASSWORD)).toBe("ACCOUNT_LOCKED");
  }

  it("by password reset: the browser that reset signs in while the attacker keeps going", async () => {
    await register(auth, "reset-back@example.com");
    await lockOut("reset-back@example.com");
    const owner = new Browser(auth, nextIP());
    await action(owner, () => auth.requestPasswordReset("reset-back@example.com"));
    await action(owner, () => auth.resetPassword(mail.token("reset-back@example.com"), "the owner's new passphrase"));
    expect(owner.cookies.get(KNOWN_DEVICE)).toBeTruthy();
    // The attacker locks unknown devices again at once…
    for (let i = 0; i < 3; i++) await attempt(new Browser(auth, nextIP()), "reset-back@example.com", "more guesses");
    expect(await attempt(new Browser(auth, nextIP()), "reset-back@example.com", "the owner's new passphrase")).toBe(
      "ACCOUNT_LOCKED",
    );
    // …but not the owner's browser.
    expect(await attempt(owner, "reset-back@example.com", "the owner's new passphrase")).toBeNull();
  });

  it("by sign-in link: it signs in past the lock and marks the browser known", async () => {
    // Verified, so the link keeps the password (on an unverified account it would claim it).
    const userId = await register(auth, "link-back@example.com");
    await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, userId));
    await lockOut("link-back@example.com");
    await action(null, () => auth.sendSignInLink("link-back@example.com"));
    const owner = new Browser(auth, nextIP());
    const link = mail.link("link-back@example.com");
    await owner.request("GET", `${link.pathname}${link.search}`);
    expect(owner.sessionToken).toBeDefined();
    expect(owner.cookies.get(KNOWN_DEVICE)).toBeTruthy();
    expect(await attempt(owner, "link-back@example.com", PASSWORD)).toBeNull();
  });
});

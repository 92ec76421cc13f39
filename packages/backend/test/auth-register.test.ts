import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthAdapter } from "../src/auth/authjs/adapter.js";
import { type Auth, ConflictError, isTetrastackError, ValidationError } from "../src/auth/index.js";
import { createSessionStore } from "../src/auth/session/store.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, errorCodeOf, PASSWORD } from "./auth-helpers.js";
import {
  accounts,
  apiKeys,
  auditEvents,
  authenticators,
  invitations,
  jwks,
  members,
  organizations,
  rateLimits,
  refreshTokens,
  sessions,
  users,
  verificationTokens,
} from "./engines/tables.js";
import { createTestDatabase, onPostgres, openSecondClient, runSQL } from "./helpers.js";

const unlimited = {
  rateLimit: { register: { perIP: 10_000, perAccount: 10_000 }, signIn: { perIP: 10_000, perAccount: 10_000 } },
};

async function counts(db: Database): Promise<{ users: number; accounts: number }> {
  const [u] = await db.select({ n: count() }).from(users);
  const [a] = await db.select({ n: count() }).from(accounts);
  return { users: u?.n ?? -1, accounts: a?.n ?? -1 };
}

describe("registerUser", () => {
  let auth: Auth;
  let db: Database;
  let url: string;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = await createTestDatabase();
    ({ db, url, cleanup } = t);
    ({ auth } = await createTestAuth(unlimited, t));
  });
  afterAll(() => cleanup());

  it("stores a normalised email and a credentials account with the hash", async () => {
    const { user } = await auth.registerUser({
      email: "  Mixed.Case@Example.COM ",
      password: PASSWORD,
      name: "  Mia ",
    });
    expect(user).toMatchObject({ email: "mixed.case@example.com", name: "Mia" });
    const [row] = await db
      .select()
      .from(accounts)
      .where(eq(accounts.userId, user?.id ?? ""));
    expect(row).toMatchObject({ type: "credentials", provider: "credentials", providerAccountId: user?.id });
    expect(row?.passwordHash).toMatch(/^\$scrypt\$/);
    expect(row?.passwordHash).not.toContain(PASSWORD);
    // The user row itself carries no secret: it is what Auth.js hands to callbacks.
    const [userRow] = await db
      .select()
      .from(users)
      .where(eq(users.id, user?.id ?? ""));
    expect(JSON.stringify(userRow)).not.toContain("scrypt");
  });

  it("creates exactly one user when the same email registers concurrently; the rest get ConflictError", async () => {
    const second = await openSecondClient({ db: db, url: url });
    try {
      const other = await createTestAuth(unlimited, { db: second.db });
      const spellings = ["race@example.com", "RACE@example.com", " race@Example.com", "Race@EXAMPLE.COM "];
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? auth : other.auth).registerUser({ email: spellings[i % 4] ?? "", password: PASSWORD }, { ip: null }),
        ),
      );
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(15);
      for (const { reason } of rejected) {
        expect(reason).toBeInstanceOf(ConflictError);
        expect(reason).toMatchObject({ code: "CONFLICT", status: 409, target: { table: "users", columns: ["email"] } });
      }
      const rows = await db.select().from(users).where(eq(users.email, "race@example.com"));
      expect(rows).toHaveLength(1);
      const credentialRows = await db
        .select()
        .from(accounts)
        .where(eq(accounts.userId, rows[0]?.id ?? ""));
      expect(credentialRows).toHaveLength(1);
      const { users: u, accounts: a } = await counts(db);
      expect(a).toBe(u);
    } finally {
      second.close();
    }
  });

  it("leaves no half-created user when the second write fails", async () => {
    const before = await counts(db);
    if (onPostgres()) {
      await runSQL(
        db,
        sql`CREATE FUNCTION fail_credentials() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`,
      );
      await runSQL(
        db,
        sql`CREATE TRIGGER fail_credentials BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION fail_credentials()`,
      );
    } else {
      await db.run(
        sql`CREATE TRIGGER fail_credentials BEFORE INSERT ON accounts BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
      );
    }
    try {
      const error = await auth
        .registerUser({ email: "half@example.com", password: PASSWORD }, { ip: null })
        .catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isTetrastackError(error, "CONFLICT")).toBe(false);
    } finally {
      if (onPostgres()) {
        await runSQL(db, sql`DROP TRIGGER fail_credentials ON accounts`);
        await runSQL(db, sql`DROP FUNCTION fail_credentials()`);
      } else {
        await db.run(sql`DROP TRIGGER fail_credentials`);
      }
    }
    expect(await counts(db)).toEqual(before);
    expect(await db.select().from(users).where(eq(users.email, "half@example.com"))).toEqual([]);
  });

  it("rejects malformed input with a ValidationError (400) naming every field, and writes nothing", async () => {
    const megabyte = "a".repeat(1_000_000);
    const file = new FormData();
    file.set("email", new File(["x"], "x.txt"));
    file.set("password", PASSWORD);
    const cases: [label: string, input: unknown, paths: string[]][] = [
      ["missing fields", {}, ["email", "password"]],
      ["null", null, [""]],
      ["a string", "email=a@b.c", [""]],
      ["wrong types", { email: 42, password: ["a"], name: { first: "x" } }, ["email", "password", "name"]],
      [
        "1 MB strings",
        { email: `${megabyte}@example.com`, password: megabyte, name: megabyte },
        ["email", "password", "name"],
      ],
      ["an email with a space inside", { email: "john smith@example.com", password: PASSWORD }, ["email"]],
      ["a zero-width space in the email", { email: "ad\u200bmin@example.com", password: PASSWORD }, ["email"]],
      ["a lone surrogate in the email", { email: "a\ud800@example.com", password: PASSWORD }, ["email"]],
      ["a lone surrogate in the password", { email: "s@example.com", password: `\udc00${PASSWORD}` }, ["password"]],
      ["a lone surrogate in the name", { email: "n@example.com", password: PASSWORD, name: "\ud83d" }, ["name"]],
      ["a file instead of a string", file, ["email"]],
    ];
    const before = await counts(db);
    for (const [label, input, paths] of cases) {
      const start = performance.now();
      const error = await auth.registerUser(input as never, { ip: null }).catch((e: unknown) => e);
      expect(error, label).toBeInstanceOf(ValidationError);
      const validation = error as ValidationError;
      expect(validation.status, label).toBe(400);
      expect(validation.issues.map((issue) => issue.path).sort(), label).toEqual(paths.sort());
      expect(validation.toJSON(), label).toMatchObject({ code: "VALIDATION_FAILED" });
      expect(performance.now() - start, label).toBeLessThan(1_000);
    }
    expect(await counts(db)).toEqual(before);
  });

  it("accepts odd but valid unicode names and normalises full-width email characters", async () => {
    const { user } = await auth.registerUser({
      email: "ｚｏｅ@example.com",
      password: PASSWORD,
      name: "Zoë 🦄 \u202eevil",
    });
    expect(user?.email).toBe("zoe@example.com");
    const browser = new Browser(auth);
    await browser.signIn("ZOE@example.com", PASSWORD);
    expect(await browser.session()).toMatchObject({ user: { email: "zoe@example.com" } });
  });
});

describe("the adapter", () => {
  it("normalises emails for OAuth and email sign-in users as registration does", async () => {
    const t = await createTestDatabase();
    try {
      const tables = {
        users,
        accounts,
        sessions,
        verificationTokens,
        authenticators,
        rateLimits,
        organizations,
        members,
        invitations,
        auditEvents,
        jwks,
        refreshTokens,
        apiKeys,
      };
      const adapter = createAuthAdapter(t.db, tables, createSessionStore(t.db, tables));
      const created = await adapter.createUser?.({
        id: crypto.randomUUID(),
        email: " ＯＡｕth@Example.com ",
        emailVerified: null,
      });
      expect(created?.email).toBe("oauth@example.com");
      expect((await adapter.getUserByEmail?.("OAUTH@example.COM "))?.id).toBe(created?.id);
      const updated = await adapter.updateUser?.({ id: created?.id ?? "", email: "New@Example.com" });
      expect(updated?.email).toBe("new@example.com");
      // Registration sees the same address as taken.
      const { auth } = await createTestAuth({}, t);
      const error = await auth
        .registerUser({ email: "NEW@example.com", password: PASSWORD }, { ip: null })
        .catch((e) => e);
      expect(isTetrastackError(error, "CONFLICT")).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});

describe("credentials sign-in with malformed input over HTTP", () => {
  it("answers with a 4xx-class or redirect response, never a 500", async () => {
    const { auth, errors, cleanup } = await createTestAuth(unlimited);
    try {
      await auth.registerUser({ email: "real@example.com", password: PASSWORD }, { ip: null });
      const megabyte = "a".repeat(1_000_000);
      const formCases: [unknown, unknown][] = [
        [undefined, undefined],
        ["real@example.com", undefined],
        [undefined, PASSWORD],
        [`${megabyte}@example.com`, PASSWORD],
        ["real@example.com", megabyte],
        ["real\ud800@example.com", PASSWORD],
        ["real@example.com", "\udfff"],
        ["   ", "   "],
      ];
      for (const [email, password] of formCases) {
        const response = await new Browser(auth).signIn(email, password);
        expect(response.status).toBe(302);
        expect(errorCodeOf(response)).toBe("INVALID_CREDENTIALS");
      }
      // JSON bodies with the wrong types, and a broken JSON body.
      const browser = new Browser(auth);
      const csrfToken = await browser.csrf();
      const typed = await browser.request(
        "POST",
        "/api/auth/callback/credentials",
        JSON.stringify({ csrfToken, email: 5, password: { $ne: null } }),
      );
      expect(typed.status).toBe(302);
      expect(errorCodeOf(typed)).toBe("INVALID_CREDENTIALS");
      const broken = await browser.request("POST", "/api/auth/callback/credentials", '{"csrfToken":');
      expect(broken.status).toBe(400);
      expect(browser.sessionToken).toBeUndefined();
      // Only the expected sign-in failures and the broken JSON's SyntaxError were logged: no
      // CallbackRouteError (an exception in authorize) and no adapter error.
      const unexpected = errors.filter((error) => {
        const type = (error as { type?: string }).type;
        return type !== undefined ? type !== "CredentialsSignin" : error.name !== "SyntaxError";
      });
      expect(unexpected).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe("enumeration-safe registration", () => {
  it("resolves { user: null } for a taken email, calls onExistingEmail, and writes nothing", async () => {
    const existing: string[] = [];
    const { auth, db, cleanup } = await createTestAuth({
      registration: { enumerationSafe: true, onExistingEmail: ({ email }) => void existing.push(email) },
    });
    try {
      const first = await auth.registerUser({ email: "taken@example.com", password: PASSWORD }, { ip: null });
      expect(first.user?.email).toBe("taken@example.com");
      const before = await counts(db);
      const second = await auth.registerUser(
        { email: " TAKEN@example.com", password: "another password" },
        { ip: null },
      );
      expect(second).toEqual({ user: null });
      expect(await counts(db)).toEqual(before);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(existing).toEqual(["taken@example.com"]);
    } finally {
      cleanup();
    }
  });
});

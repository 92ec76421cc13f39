import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { classifyConstraintError, toConflictError } from "../src/database/errors.js";
import {
  accounts,
  authenticators,
  ConflictError,
  catchConflict,
  createDatabase,
  isTetrastackError,
  migrate,
  PACKAGE_MIGRATIONS_TABLE,
  packageMigrationList,
  sessions,
  uploads,
  users,
  verificationTokens,
} from "../src/database/index.js";
import { ConfigError } from "../src/shared/errors.js";
import { createTestDatabase, seedAuthenticatorAndUpload } from "./helpers.js";

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function freshDatabase() {
  const t = await createTestDatabase();
  cleanups.push(t.cleanup);
  return t;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-db-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function tableNames(db: Awaited<ReturnType<typeof freshDatabase>>["db"]): Promise<string[]> {
  const rows = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
  return rows.map((row) => row.name);
}

describe("migrate", () => {
  it("creates every table on a fresh database and records the migration", async () => {
    const dir = tempDir();
    const db = createDatabase({ url: `file:${join(dir, "fresh.db")}` });
    cleanups.push(() => db.$client.close());
    const result = await migrate(db);
    expect(result.applied).toEqual(packageMigrationList().map((m) => m.tag));
    expect(result.applied.length).toBeGreaterThan(0);
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining([
        "accounts",
        "authenticators",
        "sessions",
        "uploads",
        "users",
        "verification_tokens",
        PACKAGE_MIGRATIONS_TABLE,
      ]),
    );
  });

  it("is idempotent: a second run applies nothing and changes nothing", async () => {
    const { db } = await freshDatabase();
    await db.insert(users).values({ email: "keep@example.com" });
    expect(await migrate(db)).toEqual({ applied: [] });
    expect(await migrate(db)).toEqual({ applied: [] });
    expect(await db.select().from(users)).toHaveLength(1);
    const recorded = await db.all(sql.raw(`SELECT hash FROM ${PACKAGE_MIGRATIONS_TABLE}`));
    expect(recorded).toHaveLength(packageMigrationList().length);
  });

  it("is safe when two processes migrate the same new file at once", async () => {
    const script = `
      const { createDatabase, migrate } = await import(${JSON.stringify(`${packageRoot}dist/database/index.js`)});
      const db = createDatabase({ url: process.argv[1] });
      while (Date.now() < Number(process.argv[2])) {}
      const result = await migrate(db);
      console.log(JSON.stringify(result.applied));
    `;
    for (let round = 0; round < 3; round++) {
      const url = `file:${join(tempDir(), "race.db")}`;
      const startAt = String(Date.now() + 700);
      const outputs = await Promise.all(
        [0, 1].map(() => run(process.execPath, ["--input-type=module", "-e", script, url, startAt])),
      );
      const applied = outputs.map((output) => JSON.parse(output.stdout) as string[]);
      // Exactly one process applied the migrations; the other waited for its lock and found none.
      expect(applied.filter((tags) => tags.length > 0)).toHaveLength(1);
      expect(applied.flat()).toEqual(packageMigrationList().map((m) => m.tag));
      const db = createDatabase({ url });
      cleanups.push(() => db.$client.close());
      const recorded = await db.all(sql.raw(`SELECT hash FROM ${PACKAGE_MIGRATIONS_TABLE}`));
      expect(recorded).toHaveLength(packageMigrationList().length);
    }
  });
});

describe("createDatabase", () => {
  it("sets up a file database for production: foreign keys, WAL and no busy wait inside SQLite", async () => {
    const { db } = await freshDatabase();
    expect(await db.get(sql`PRAGMA foreign_keys`)).toEqual({ foreign_keys: 1 });
    expect(await db.get(sql`PRAGMA journal_mode`)).toEqual({ journal_mode: "wal" });
    // SQLite's busy handler would sleep on the event loop; waiting for a lock is done in
    // JavaScript instead (test/database-busy.test.ts).
    expect(await db.get(sql`PRAGMA busy_timeout`)).toEqual({ timeout: 0 });
  });

  it("defaults to file:local.db and accepts an existing client", async () => {
    const dir = tempDir();
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const db = createDatabase();
      await migrate(db);
      const again = createDatabase({ client: db.$client });
      expect(await again.select().from(users)).toEqual([]);
      db.$client.close();
    } finally {
      process.chdir(previous);
    }
    const check = createDatabase({ url: `file:${join(dir, "local.db")}` });
    cleanups.push(() => check.$client.close());
    expect(await tableNames(check)).toContain("users");
  });

  it("throws a ConfigError naming every bad option, without echoing secrets", () => {
    let error: unknown;
    try {
      createDatabase({ url: "postgres://user:hunter2@host/db", busyTimeoutMs: -1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const config = error as ConfigError;
    expect(config.issues.map((issue) => issue.path).sort()).toEqual(["busyTimeoutMs", "url"]);
    expect(config.message).not.toContain("hunter2");
    expect(JSON.stringify(config)).not.toContain("hunter2");
  });
});

describe("schema", () => {
  it("gives every row a time-ordered UUIDv7 id made by the app", async () => {
    const { db } = await freshDatabase();
    const inserted = [];
    for (let i = 0; i < 50; i++) {
      const [row] = await db
        .insert(users)
        .values({ email: `u${i}@example.com` })
        .returning();
      inserted.push(row?.id ?? "");
    }
    for (const id of inserted)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const byId = await db.select({ id: users.id }).from(users).orderBy(users.id);
    expect(byId.map((row) => row.id)).toEqual(inserted);
  });

  it("sets created_at and updated_at on insert and moves only updated_at on update", async () => {
    const { db } = await freshDatabase();
    const [created] = await db.insert(users).values({ email: "time@example.com", name: "Before" }).returning();
    if (!created) throw new Error("no row");
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime());
    await new Promise((resolve) => setTimeout(resolve, 15));
    const [updated] = await db.update(users).set({ name: "After" }).where(eq(users.id, created.id)).returning();
    expect(updated?.createdAt.getTime()).toBe(created.createdAt.getTime());
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    const raw = await db.get<{ created_at: unknown }>(sql`SELECT created_at FROM users`);
    expect(typeof raw?.created_at).toBe("number");
  });

  it("keeps emails unique regardless of case, as a ConflictError the caller can catch", async () => {
    const { db } = await freshDatabase();
    await db.insert(users).values({ email: "ann@example.com" });
    const attempt = catchConflict(db.insert(users).values({ email: "Ann@EXAMPLE.com" }));
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    const error = await catchConflict(db.insert(users).values({ email: "ANN@example.com" })).catch((e: unknown) => e);
    expect(isTetrastackError(error, "CONFLICT")).toBe(true);
    expect((error as ConflictError).target?.table).toBe("users");
    expect((error as ConflictError).status).toBe(409);
    expect(await db.select().from(users)).toHaveLength(1);
  });

  it("passes other errors through catchConflict unchanged", async () => {
    const { db } = await freshDatabase();
    const error = await catchConflict(
      db.insert(sessions).values({ sessionToken: "t", userId: "missing", expires: new Date() }),
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect(String((error as Error).cause ?? error)).toMatch(/FOREIGN KEY/);
  });

  it("deletes a user's accounts, sessions, authenticators and uploads with the user", async () => {
    const { db } = await freshDatabase();
    const [user] = await db.insert(users).values({ email: "gone@example.com" }).returning();
    const [other] = await db.insert(users).values({ email: "stays@example.com" }).returning();
    if (!user || !other) throw new Error("no rows");
    for (const owner of [user, other]) {
      await db
        .insert(accounts)
        .values({ userId: owner.id, type: "oauth", provider: "github", providerAccountId: owner.id });
      await db
        .insert(sessions)
        .values({ userId: owner.id, sessionToken: `hash-${owner.id}`, expires: new Date(Date.now() + 60_000) });
      await seedAuthenticatorAndUpload(db, owner.id);
    }
    await db.delete(users).where(eq(users.id, user.id));
    for (const table of [accounts, sessions, authenticators]) {
      const rows = await db.select({ userId: table.userId }).from(table);
      expect(rows).toEqual([{ userId: other.id }]);
    }
    expect(await db.select({ ownerId: uploads.ownerId }).from(uploads)).toEqual([{ ownerId: other.id }]);
  });

  it("indexes every foreign key and lookup column", async () => {
    const { db } = await freshDatabase();
    const expected: Record<string, string[]> = {
      accounts: ["user_id", "provider"],
      sessions: ["user_id", "session_token", "expires"],
      authenticators: ["user_id", "credential_id"],
      uploads: ["owner_id", "key"],
      users: ["email"],
      verification_tokens: ["identifier", "expires"],
      rate_limits: ["key", "reset_at"],
    };
    for (const [table, columns] of Object.entries(expected)) {
      const indexes = await db.all<{ name: string }>(sql.raw(`PRAGMA index_list(${table})`));
      const firstColumns = new Set<string>();
      for (const index of indexes) {
        const info = await db.all<{ seqno: number; name: string | null }>(sql.raw(`PRAGMA index_info(${index.name})`));
        const first = info.find((column) => column.seqno === 0);
        if (first?.name) firstColumns.add(first.name);
      }
      for (const column of columns)
        expect({ table, column, indexed: firstColumns.has(column) }).toEqual({ table, column, indexed: true });
    }
    const plan = await db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN SELECT * FROM users WHERE email = 'a@b.c'`);
    expect(plan.map((row) => row.detail).join(" ")).toMatch(/USING INDEX users_email_idx/);
  });

  it("stores verification tokens with a composite uniqueness on identifier and token", async () => {
    const { db } = await freshDatabase();
    const expires = new Date(Date.now() + 60_000);
    await db.insert(verificationTokens).values({ identifier: "a@example.com", token: "t1", expires });
    await expect(
      catchConflict(db.insert(verificationTokens).values({ identifier: "a@example.com", token: "t1", expires })),
    ).rejects.toBeInstanceOf(ConflictError);
    await db.insert(verificationTokens).values({ identifier: "a@example.com", token: "t2", expires });
    expect(await db.select().from(verificationTokens)).toHaveLength(2);
  });
});

describe("classifyConstraintError on libSQL's own errors", () => {
  async function failure(write: PromiseLike<unknown>): Promise<unknown> {
    return Promise.resolve(write).then(
      () => {
        throw new Error("the write succeeded");
      },
      (error: unknown) => error,
    );
  }

  it("tells a unique column, an expression index, a composite key and a foreign key apart", async () => {
    const { db } = await freshDatabase();
    const [user] = await db.insert(users).values({ email: "ann@example.com" }).returning();
    if (!user) throw new Error("no row");
    const expires = new Date(Date.now() + 60_000);
    await db.insert(sessions).values({ sessionToken: "t", userId: user.id, expires });
    await db.insert(verificationTokens).values({ identifier: "a@example.com", token: "t1", expires });

    expect(
      classifyConstraintError(
        await failure(db.insert(sessions).values({ sessionToken: "t", userId: user.id, expires })),
      ),
    ).toEqual({ kind: "unique", target: { table: "sessions", columns: ["session_token"] } });
    expect(classifyConstraintError(await failure(db.insert(users).values({ email: "ANN@example.com" })))).toEqual({
      kind: "unique",
      target: { table: "users", columns: ["email"] },
    });
    expect(
      classifyConstraintError(
        await failure(db.insert(verificationTokens).values({ identifier: "a@example.com", token: "t1", expires })),
      ),
    ).toMatchObject({ kind: "unique", target: { table: "verification_tokens" } });
    expect(
      classifyConstraintError(
        await failure(db.insert(sessions).values({ sessionToken: "u", userId: "missing", expires })),
      ),
    ).toEqual({ kind: "foreign-key" });
    const notNull = await failure(db.run(sql`INSERT INTO users (id) VALUES (NULL)`));
    expect(String((notNull as Error).cause)).toMatch(/NOT NULL constraint failed/);
    expect(classifyConstraintError(notNull)).toBeNull();
    expect(classifyConstraintError(await failure(db.run(sql`SELECT * FROM no_such_table`)))).toBeNull();
  });

  it("reads the engine's error, not Drizzle's message, which repeats the parameters", async () => {
    // Regression: the wrapper's "Failed query: … params: …" was searched first, so a value that
    // read "UNIQUE constraint failed: users.email" made a foreign-key failure a ConflictError.
    const { db } = await freshDatabase();
    const echo = "UNIQUE constraint failed: users.email";
    const error = await failure(
      db.insert(sessions).values({ sessionToken: echo, userId: "missing", expires: new Date() }),
    );
    expect(String((error as Error).message)).toContain(echo);
    expect(classifyConstraintError(error)).toEqual({ kind: "foreign-key" });
    expect(toConflictError(error)).toBe(error);
    const passed = await catchConflict(
      db.insert(sessions).values({ sessionToken: echo, userId: "missing", expires: new Date() }),
    ).catch((e: unknown) => e);
    expect(passed).not.toBeInstanceOf(ConflictError);
  });
});

/**
 * The package's database over libSQL's network path: `createDatabase` on an `http://` URL, through
 * `@libsql/client`'s HTTP client, against the Hrana-over-HTTP test stand-in
 * (test/engines/libsql-http-server.ts; a stand-in built on the same libsql engine, not sqld).
 * The whole database, auth and uploads suites also run this way (project `backend:libsql-http`);
 * this file checks what only the network path has.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient } from "@libsql/client/http";
import { count, eq, sql } from "drizzle-orm";
import { TransactionRollbackError } from "drizzle-orm/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { classifyConstraintError } from "../../src/database/errors.js";
import {
  ConflictError,
  catchConflict,
  createDatabase,
  type Database,
  isTetrastackError,
  migrate,
  sessions,
  toDatabaseError,
  users,
} from "../../src/database/index.js";
import { uuidv7 } from "../../src/utils/index.js";
import { type HostedDatabase, type LibsqlHttpServer, startLibsqlHttpServer } from "./libsql-http-server.js";

let server: LibsqlHttpServer;
let dir: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startLibsqlHttpServer();
  dir = mkdtempSync(join(tmpdir(), "tetrastack-network-"));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A migrated database behind the stand-in, through createDatabase on its http:// URL. */
async function open(): Promise<{ db: Database; hosted: HostedDatabase }> {
  const hosted = server.serve(join(dir, `network-${++files}.db`));
  const db = createDatabase({ url: hosted.url });
  cleanups.push(
    () => db.$client.close(),
    () => hosted.close(),
  );
  await migrate(db);
  return { db, hosted };
}

async function userCount(db: Database): Promise<number> {
  return (await db.select({ n: count() }).from(users))[0]?.n ?? -1;
}

describe("createDatabase on an http:// URL", () => {
  it("sends the server no file-only setting (WAL, busy timeout) and no local busy handling", async () => {
    const { db, hosted } = await open();
    await db.insert(users).values({ email: "ann@example.com" });
    await db.select().from(users);
    await db.batch([db.insert(users).values({ email: "bob@example.com" }), db.select().from(users)]);
    await db.transaction(async (tx) => {
      await tx.update(users).set({ name: "Ann" }).where(eq(users.email, "ann@example.com"));
    });
    // The client is @libsql/client's own, not the wrapper of src/database/busy.ts.
    expect(db.$client).toBeInstanceOf(HttpClient);
    expect(hosted.statements.length).toBeGreaterThan(20);
    expect(hosted.statements.filter((text) => /\bPRAGMA\b/i.test(text))).toEqual([]);
    // busy.ts takes each lock with `COMMIT; … BEGIN IMMEDIATE` and probes reads with this query.
    expect(hosted.statements.filter((text) => /^COMMIT;|sqlite_master LIMIT 1/.test(text))).toEqual([]);
  });

  it("sends authToken as the bearer token the server asks for", async () => {
    const guarded = await startLibsqlHttpServer({ authToken: "token-123" });
    try {
      const hosted = guarded.serve(join(dir, "guarded.db"));
      const withToken = createDatabase({ url: hosted.url, authToken: "token-123" });
      const without = createDatabase({ url: hosted.url });
      try {
        await migrate(withToken);
        expect(await userCount(withToken)).toBe(0);
        // Drizzle's wrapper around the client's error for the server's 401.
        await expect(userCount(without)).rejects.toMatchObject({
          cause: { code: "SERVER_ERROR", message: expect.stringContaining("HTTP status 401") },
        });
      } finally {
        withToken.$client.close();
        without.$client.close();
      }
    } finally {
      await guarded.stop();
    }
  });
});

describe("db.batch over HTTP", () => {
  it("is atomic: a statement that fails rolls back the ones before it", async () => {
    const { db } = await open();
    const error = await db
      .batch([
        db.insert(users).values({ email: "first@example.com" }),
        db.insert(users).values({ email: "second@example.com" }),
        // The same address in other case: the unique index on lower(email) refuses it.
        db.insert(users).values({ email: "FIRST@example.com" }),
      ])
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(toDatabaseError(error)).toBeInstanceOf(ConflictError);
    expect(await userCount(db)).toBe(0);
    const [inserted, listed] = await db.batch([
      db.insert(users).values({ email: "first@example.com" }).returning({ email: users.email }),
      db.select({ email: users.email }).from(users),
    ]);
    expect(inserted).toEqual([{ email: "first@example.com" }]);
    expect(listed).toEqual([{ email: "first@example.com" }]);
  });
});

describe("db.transaction over HTTP", () => {
  it("holds its writes on one stream until COMMIT, while other writers wait", async () => {
    const { db } = await open();
    const order: string[] = [];
    let other: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      await tx.insert(users).values({ email: "inside@example.com" });
      expect(await tx.select({ email: users.email }).from(users)).toEqual([{ email: "inside@example.com" }]);
      // Another stream does not see the uncommitted row, and its write waits for the COMMIT.
      expect(await userCount(db)).toBe(0);
      other = db
        .insert(users)
        .values({ email: "outside@example.com" })
        .then(() => order.push("outside written"));
      await new Promise((resolve) => setTimeout(resolve, 150));
      order.push("committing");
    });
    await other;
    expect(order).toEqual(["committing", "outside written"]);
    expect(await userCount(db)).toBe(2);
  });

  it("rolls back on tx.rollback() and on a thrown error, leaving nothing behind", async () => {
    const { db } = await open();
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(users).values({ email: "rolled@example.com" });
        tx.rollback();
      }),
    ).rejects.toBeInstanceOf(TransactionRollbackError);
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(users).values({ email: "thrown@example.com" });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await userCount(db)).toBe(0);
    // The lock went with the rolled-back transactions: the next write does not wait.
    const started = performance.now();
    await db.insert(users).values({ email: "after@example.com" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("prepared statements over HTTP", () => {
  it("run repeatedly with new values each time", async () => {
    const { db } = await open();
    const insert = db
      .insert(users)
      .values({ id: sql.placeholder("id"), email: sql.placeholder("email"), name: sql.placeholder("name") })
      .prepare();
    const byEmail = db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder("email")))
      .prepare();
    const rename = db
      .update(users)
      .set({ name: sql`${sql.placeholder("name")}` })
      .where(eq(users.email, sql.placeholder("email")))
      .prepare();
    for (let i = 0; i < 25; i++) {
      await insert.run({ id: uuidv7(), email: `user${i}@example.com`, name: `User ${i}` });
    }
    for (let i = 0; i < 25; i++) {
      await rename.run({ email: `user${i}@example.com`, name: `Renamed ${i}` });
    }
    for (let i = 0; i < 25; i++) {
      expect((await byEmail.get({ email: `user${i}@example.com` }))?.name).toBe(`Renamed ${i}`);
    }
    expect(await byEmail.get({ email: "nobody@example.com" })).toBeUndefined();
    expect(await userCount(db)).toBe(25);
  });
});

describe("a busy server", () => {
  it("reports SQLITE_BUSY as a DatabaseBusyError, with nothing written", async () => {
    // A stand-in that waits only 100 ms for another stream's write lock before SQLite answers BUSY.
    const impatient = await startLibsqlHttpServer({ lockWaitMs: 100 });
    try {
      const hosted = impatient.serve(join(dir, "busy.db"));
      const db = createDatabase({ url: hosted.url });
      try {
        await migrate(db);
        const holder = await db.$client.transaction("write");
        await holder.execute("CREATE TABLE lock_holder (v)");
        const error = await db
          .insert(users)
          .values({ email: "waiting@example.com" })
          .then(
            () => undefined,
            (reason: unknown) => reason,
          );
        expect(isTetrastackError(error, "DATABASE_BUSY")).toBe(true);
        await holder.rollback();
        expect(await userCount(db)).toBe(0);
      } finally {
        db.$client.close();
      }
    } finally {
      await impatient.stop();
    }
  });
});

describe("constraint errors over HTTP", () => {
  it("are classified from the server's error (bare SQLITE_CONSTRAINT and SQLite's message)", async () => {
    const { db } = await open();
    await db.insert(users).values({ email: "taken@example.com" });
    const conflict = await catchConflict(db.insert(users).values({ email: "Taken@Example.com" })).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).target).toEqual({ table: "users", columns: ["email"] });
    // What the server sent: the primary code only, as sqld does, and no extended code.
    const cause = (conflict as ConflictError).cause as { cause?: { code?: unknown; extendedCode?: unknown } };
    expect(cause.cause).toMatchObject({ code: "SQLITE_CONSTRAINT", extendedCode: undefined });

    const orphan = await db
      .insert(sessions)
      .values({ sessionToken: "t", userId: uuidv7(), expires: new Date(Date.now() + 60_000) })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(classifyConstraintError(orphan)).toEqual({ kind: "foreign-key" });
  });
});

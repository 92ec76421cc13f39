/**
 * A libSQL file locked by another process. Before the fix, a write waiting for the lock ran
 * SQLite's busy handler synchronously on the event loop (every request of the process stalled for
 * up to 5 s) and failed with an untyped `DrizzleQueryError`; and a statement that failed with
 * SQLITE_BUSY stayed active on its pooled connection, so later writes on it were never committed.
 * The lock is held by a real second `node` process (raw `@libsql/client`, `BEGIN IMMEDIATE`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  accounts,
  createDatabase,
  type Database,
  DatabaseBusyError,
  isDatabaseBusy,
  isTetrastackError,
  migrate,
  toDatabaseError,
  users,
} from "../src/database/index.js";
import { Browser, createTestAuth, PASSWORD, register } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";

const libsqlClient = createRequire(import.meta.url).resolve("@libsql/client");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Worst event-loop stall allowed while a write waits (the old code stalled for the whole wait). */
const MAX_STALL_MS = 150;

// Raw @libsql/client, as another app instance or a script would hold it: BEGIN IMMEDIATE, an
// insert, then sleep before COMMIT.
const HOLDER = `
  const { createClient } = require(process.argv[1]);
  const client = createClient({ url: process.argv[2] });
  (async () => {
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO lock_holder (at) VALUES (1)");
    process.stdout.write("locked\\n");
    await new Promise((resolve) => setTimeout(resolve, Number(process.argv[3])));
    await tx.commit();
    client.close();
  })().catch((error) => { console.error(error); process.exit(1); });
`;

/** Starts the second process; resolves once it holds the write lock, with a promise of its exit. */
async function holdWriteLock(url: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["-e", HOLDER, libsqlClient, url, String(holdMs)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.pid) process.kill(child.pid);
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const released = new Promise<void>((resolve, reject) => {
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`lock holder failed: ${stderr}`))));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    released.then(() => reject(new Error("lock holder exited before locking")), reject);
  });
  return { released };
}

/** Measures the worst event-loop delay while `work` runs, in ms. */
async function worstStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // The histogram records nothing before its timer's first tick: let it tick before the work.
  await sleep(30);
  try {
    const result = await work();
    return { result, stallMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

async function lockableDatabase(options: { busyTimeoutMs?: number } = {}) {
  const t = await createTestDatabase();
  cleanups.push(t.cleanup);
  await t.db.run(sql`CREATE TABLE lock_holder (at integer)`);
  const db = options.busyTimeoutMs === undefined ? t.db : createDatabase({ url: t.url, ...options });
  if (db !== t.db) cleanups.push(() => db.$client.close());
  return { ...t, db };
}

/** What another connection (a fresh client) sees: committed rows only. */
async function committedEmails(url: string): Promise<string[]> {
  const client = createClient({ url });
  try {
    const result = await client.execute("SELECT email FROM users ORDER BY email");
    return result.rows.map((row) => String(row.email));
  } finally {
    client.close();
  }
}

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

function expectBusy(error: unknown, retryAfter: number): asserts error is DatabaseBusyError {
  expect(isTetrastackError(error, "DATABASE_BUSY"), String(error)).toBe(true);
  const busy = error as DatabaseBusyError;
  expect(busy).toBeInstanceOf(DatabaseBusyError);
  expect(busy.status).toBe(503);
  expect(busy.retryAfter).toBe(retryAfter);
  expect(isDatabaseBusy(busy)).toBe(true);
  expect(toDatabaseError(busy)).toBe(busy);
  // Nothing of the query or its parameters (which may be an email or a hash) in what a client sees.
  expect(JSON.stringify(busy)).not.toMatch(/insert|@example/i);
}

describe("createDatabase: a file locked by another process", () => {
  it("keeps serving session reads while a write waits, then writes once the lock is released", async () => {
    const { db, url } = await lockableDatabase();
    const { auth } = await createTestAuth({ rateLimit: { signIn: { perIP: 100, perAccount: 100 } } }, { db });
    await register(auth, "reader@example.com");
    const browser = new Browser(auth);
    await browser.signIn("reader@example.com", PASSWORD);
    const token = browser.sessionToken ?? "";
    expect(await auth.getSessionFromToken(token)).not.toBeNull();

    const { released } = await holdWriteLock(url, 1500);
    const { result, stallMs } = await worstStall(async () => {
      const started = performance.now();
      let settled = false;
      const write = db
        .insert(users)
        .values({ email: "waiter@example.com" })
        .then(() => performance.now() - started)
        .finally(() => {
          settled = true;
        });
      const readLatencies: number[] = [];
      while (!settled) {
        const readStarted = performance.now();
        const session = await auth.getSessionFromToken(token);
        readLatencies.push(performance.now() - readStarted);
        expect(session?.user.email).toBe("reader@example.com");
        await sleep(10);
      }
      return { waitedMs: await write, readLatencies };
    });
    await released;

    console.info(
      `[busy] write waited ${result.waitedMs.toFixed(0)} ms; ${result.readLatencies.length} session reads meanwhile, ` +
        `slowest ${Math.max(...result.readLatencies).toFixed(1)} ms; worst event-loop stall ${stallMs.toFixed(1)} ms`,
    );
    expect(result.waitedMs).toBeGreaterThan(1000);
    expect(result.readLatencies.length).toBeGreaterThan(20);
    expect(Math.max(...result.readLatencies)).toBeLessThan(MAX_STALL_MS);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    expect(await committedEmails(url)).toContain("waiter@example.com");
  });

  it("gives up after busyTimeoutMs with a DatabaseBusyError and writes nothing half", async () => {
    const { db, url } = await lockableDatabase({ busyTimeoutMs: 1000 });
    const { auth } = await createTestAuth({}, { db });
    let transactionBodyRan = false;
    const id = "0190a6f5-7c1d-7b3e-9f0a-2c4d6e8f0a1b";

    const { released } = await holdWriteLock(url, 4000);
    const { result, stallMs } = await worstStall(async () => {
      const started = performance.now();
      const outcomes = await Promise.all([
        // A batch: one transaction, both rows or neither.
        rejection(
          db.batch([
            db.insert(users).values({ id, email: "batch@example.com" }),
            db.insert(accounts).values({ userId: id, type: "credentials", provider: "x", providerAccountId: id }),
          ]),
        ),
        // A single statement through Drizzle's query builder (which wraps driver errors).
        rejection(db.insert(users).values({ email: "single@example.com" })),
        // An interactive transaction: it waits at BEGIN, so its body never starts.
        rejection(
          db.transaction(async (tx) => {
            transactionBodyRan = true;
            await tx.insert(users).values({ email: "tx@example.com" });
          }),
        ),
        // A public function of /auth (its first write is the rate-limit counter).
        rejection(auth.registerUser({ email: "new@example.com", password: PASSWORD, name: "New" }, { ip: null })),
        // The migrator takes the write lock before it reads what was applied.
        rejection(migrate(db)),
        // A raw deferred transaction takes the lock at BEGIN too (a BUSY after BEGIN could not be retried).
        rejection(db.$client.transaction("deferred")),
      ]);
      return { outcomes, elapsedMs: performance.now() - started };
    });

    console.info(
      `[busy] gave up after ${result.elapsedMs.toFixed(0)} ms (busyTimeoutMs 1000); worst event-loop stall ${stallMs.toFixed(1)} ms; ` +
        `errors: ${result.outcomes.map((error) => (error as Error).constructor.name).join(", ")}`,
    );
    for (const error of result.outcomes) expectBusy(error, 1);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(result.elapsedMs).toBeLessThan(2500);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    expect(transactionBodyRan).toBe(false);

    await released;
    expect(await committedEmails(url)).toEqual([]);
    expect(await db.select().from(accounts).where(eq(accounts.userId, id))).toEqual([]);
  });

  it("answers a credentials sign-in through the Auth.js route with code DATABASE_BUSY, not an error page", async () => {
    const { db, url } = await lockableDatabase({ busyTimeoutMs: 300 });
    const { auth } = await createTestAuth({}, { db });
    await register(auth, "busy-sign-in@example.com");
    const { released } = await holdWriteLock(url, 1500);
    const response = await new Browser(auth).signIn("busy-sign-in@example.com", PASSWORD);
    const location = new URL(response.headers.get("location") ?? "http://x");
    expect(location.searchParams.get("error")).toBe("CredentialsSignin");
    expect(location.searchParams.get("code")).toBe("DATABASE_BUSY");
    await released;
    const retried = new Browser(auth);
    await retried.signIn("busy-sign-in@example.com", PASSWORD);
    expect(retried.sessionToken).toBeDefined();
  });

  it("commits every later write after writes failed on a locked file", async () => {
    // libsql leaves a statement that failed with SQLITE_BUSY active on its pooled connection;
    // later autocommit writes on that connection then report success but are never committed.
    const { db, url } = await lockableDatabase({ busyTimeoutMs: 300 });
    const { released } = await holdWriteLock(url, 1500);
    const failures = await Promise.all(
      Array.from({ length: 4 }, (_, i) => rejection(db.insert(users).values({ email: `failed${i}@example.com` }))),
    );
    expect(failures).toHaveLength(4);
    await released;
    for (let i = 0; i < 8; i++) await db.insert(users).values({ email: `after${i}@example.com` });
    expect(await committedEmails(url)).toEqual(Array.from({ length: 8 }, (_, i) => `after${i}@example.com`));
  });

  it("lets a write wait for a transaction of the same process instead of freezing it", async () => {
    const { db, url } = await lockableDatabase();
    const { stallMs } = await worstStall(async () => {
      const transaction = db.transaction(async (tx) => {
        await tx.insert(users).values({ email: "first@example.com" });
        await sleep(300); // holding the write lock across an await, as a request handler may
        await tx.insert(users).values({ email: "second@example.com" });
      });
      await sleep(20);
      const write = db.insert(users).values({ email: "third@example.com" });
      await Promise.all([transaction, write]);
    });
    console.info(`[busy] same-process wait: worst event-loop stall ${stallMs.toFixed(1)} ms`);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    expect(await committedEmails(url)).toEqual(["first@example.com", "second@example.com", "third@example.com"]);
  });

  it("fails at once with busyTimeoutMs 0, still typed", async () => {
    const { db, url } = await lockableDatabase({ busyTimeoutMs: 0 });
    const { released } = await holdWriteLock(url, 1000);
    const started = performance.now();
    const error = await rejection(db.update(users).set({ name: "x" }));
    expect(performance.now() - started).toBeLessThan(200);
    expectBusy(error, 1);
    await released;
  });
});

describe("createDatabase: many operations of one process at once", () => {
  it("queues a burst of writes and reads without running out of connections", async () => {
    const { db, url } = await lockableDatabase();
    // Right after creation, before WAL is confirmed, reads also go through read transactions.
    const fresh = createDatabase({ url });
    cleanups.push(() => fresh.$client.close());
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 200 }, (_, i) => db.insert(users).values({ email: `burst${i}@example.com` })),
      ...Array.from({ length: 200 }, () => fresh.select().from(users).limit(1)),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toEqual([]);
    expect(await committedEmails(url)).toHaveLength(200);
  });
});

describe("createDatabase: a file that stays in rollback-journal mode", () => {
  const items = sqliteTable("items", { x: integer("x") });

  it("reads while another process holds the lock, and commits writes around its own readers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tetrastack-journal-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `file:${join(dir, "journal.db")}`;
    const setup = createClient({ url });
    await setup.executeMultiple("CREATE TABLE items (x integer); CREATE TABLE lock_holder (at integer);");
    setup.close();

    // Held past busyTimeoutMs, the lock keeps createDatabase from switching the file to WAL.
    const { released } = await holdWriteLock(url, 1200);
    const db = createDatabase({ url, busyTimeoutMs: 300 });
    cleanups.push(() => db.$client.close());
    const { result, stallMs } = await worstStall(async () => {
      const reads = await Promise.all(Array.from({ length: 20 }, () => db.select().from(items)));
      const write = await rejection(db.insert(items).values({ x: 0 }));
      return { reads, write };
    });
    expect(result.reads.every((rows) => rows.length === 0)).toBe(true);
    expectBusy(result.write, 1);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    await released;

    expect(await db.get(sql`PRAGMA journal_mode`)).toEqual({ journal_mode: "delete" });
    // Writers' COMMITs need the readers' locks gone: they wait for them instead of failing.
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => db.insert(items).values({ x: i + 1 })),
      ...Array.from({ length: 30 }, () => db.select().from(items)),
    ]);
    const check = createClient({ url });
    cleanups.push(() => check.close());
    expect((await check.execute("SELECT count(*) AS n FROM items")).rows[0]?.n).toBe(10);
  });
});

describe("isDatabaseBusy / toDatabaseError", () => {
  it("recognise libSQL's own SQLITE_BUSY errors, wrapped or not, from a client passed in", async () => {
    const { url } = await lockableDatabase();
    // A client of the app's own: this package configures nothing on it (no retry), but the error is typed.
    const raw = createClient({ url });
    cleanups.push(() => raw.close());
    const db: Database = createDatabase({ client: raw });
    const { released } = await holdWriteLock(url, 1000);
    const error = await rejection(db.insert(users).values({ email: "raw@example.com" }));
    expect(isTetrastackError(error, "DATABASE_BUSY")).toBe(true);
    const driverError = await rejection(
      raw.execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ('x', 'y', 0, 0)"),
    );
    expect(isDatabaseBusy(driverError)).toBe(true);
    expect(isTetrastackError(toDatabaseError(driverError), "DATABASE_BUSY")).toBe(true);
    const snapshot = Object.assign(new Error("SQLITE_BUSY: database is locked"), {
      code: "SQLITE_BUSY",
      extendedCode: "SQLITE_BUSY_SNAPSHOT",
      rawCode: 517,
    });
    expect(isDatabaseBusy(new Error("Failed query", { cause: snapshot }))).toBe(true);
    expect(isDatabaseBusy(new Error("UNIQUE constraint failed: users.email"))).toBe(false);
    expect(isTetrastackError(toDatabaseError(new Error("UNIQUE constraint failed: users.email")), "CONFLICT")).toBe(
      true,
    );
    await released;
  });
});

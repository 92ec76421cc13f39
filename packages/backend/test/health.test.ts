import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as libsql from "../src/database/index.js";
import * as postgres from "../src/database/postgres/index.js";
import { createTestDatabase, onPostgres, queryAll, runSQL, testEngine } from "./helpers.js";

// Runs on every engine (libSQL file, libSQL over the HTTP stand-in, PGlite, a PostgreSQL server):
// the handler of the engine's dialect against its real database. Nothing is mocked; the
// "unreachable" and "no answer" databases are a closed client, a port nobody listens on and a
// local TCP server that accepts connections and never replies.

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")) as { version: string })
  .version;

const dialect = onPostgres() ? postgres : libsql;
const packageTag = dialect.packageMigrationList().at(-1)?.tag;
const appFolder = join(import.meta.dirname, "fixtures/health-app", onPostgres() ? "postgres" : "sqlite");
const migrationsTable = onPostgres()
  ? sql.raw(`"drizzle"."__tetrastack_migrations"`)
  : sql.raw(`"__tetrastack_migrations"`);

// biome-ignore lint/suspicious/noExplicitAny: the database of the run's dialect; each handler checks it.
function handler(options: libsql.HealthHandlerOptions<any>): libsql.HealthHandler {
  return dialect.createHealthHandler(options);
}

async function read(
  response: Response,
): Promise<{ status: number; cache: string | null; text: string; body: Record<string, unknown> }> {
  const text = await response.text();
  return { status: response.status, cache: response.headers.get("cache-control"), text, body: JSON.parse(text) };
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers; stopped after the file. */
let silent: Server;
const sockets = new Set<Socket>();
let silentPort = 0;
/** A port that was free a moment ago: connections to it are refused. */
let closedPort = 0;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe("createHealthHandler", () => {
  it("answers 200 with the package's last migration and version, never cached, when the database is migrated", async () => {
    const t = await createTestDatabase();
    try {
      const { status, cache, body } = await read(await handler({ db: t.db }).GET());
      expect(status).toBe(200);
      expect(cache).toBe("no-store");
      expect(body).toEqual({ status: "ok", version: VERSION, migration: packageTag });
      expect(packageTag).toMatch(/^\d{4}_/);
    } finally {
      t.cleanup();
    }
  });

  it("answers 503 NOT_MIGRATED when the migrations table is missing or its last migration is not recorded", async () => {
    const t = await createTestDatabase();
    const errors: string[] = [];
    const health = handler({ db: t.db, onError: (_error, reason) => void errors.push(reason) });
    try {
      const rows = await queryAll<{ hash: string; created_at: unknown }>(
        t.db,
        sql`SELECT hash, created_at FROM ${migrationsTable}`,
      );
      expect(rows.length).toBeGreaterThan(0);
      await runSQL(t.db, sql`DELETE FROM ${migrationsTable}`);
      const behind = await read(await health.GET());
      expect(behind.status).toBe(503);
      expect(behind.cache).toBe("no-store");
      expect(behind.body).toEqual({ status: "error", reason: "NOT_MIGRATED", version: VERSION, migration: null });

      // A database migrate() never ran on: no table at all.
      const renamed = onPostgres() ? sql.raw(`"__tetrastack_moved"`) : sql.raw(`"__tetrastack_moved"`);
      await runSQL(t.db, sql`ALTER TABLE ${migrationsTable} RENAME TO ${renamed}`);
      const missing = await read(await health.GET());
      expect(missing.status).toBe(503);
      expect(missing.body).toMatchObject({ status: "error", reason: "NOT_MIGRATED", migration: null });
      expect(errors).toEqual(["NOT_MIGRATED"]);

      // Put everything back (PGlite hands this database to the next test of the file).
      const moved = onPostgres() ? sql.raw(`"drizzle"."__tetrastack_moved"`) : renamed;
      await runSQL(t.db, sql`ALTER TABLE ${moved} RENAME TO ${sql.raw(`"__tetrastack_migrations"`)}`);
      for (const row of rows) {
        await runSQL(
          t.db,
          sql`INSERT INTO ${migrationsTable} (hash, created_at) VALUES (${row.hash}, ${Number(row.created_at)})`,
        );
      }
      expect((await health.GET()).status).toBe(200);
    } finally {
      t.cleanup();
    }
  });

  it("also requires the app's migrations when given migrationsFolder, and reports the last one", async () => {
    const t = await createTestDatabase();
    try {
      const health = handler({ db: t.db, migrationsFolder: appFolder });
      const before = await read(await health.GET());
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ status: "error", reason: "NOT_MIGRATED" });

      await dialect.migrate(t.db as never, { migrationsFolder: appFolder });
      const after = await read(await health.GET());
      expect(after.status).toBe(200);
      expect(after.body).toEqual({
        status: "ok",
        version: VERSION,
        migration: packageTag,
        appMigration: "0000_health_probe",
      });
    } finally {
      // PGlite hands this database on: take the app's table and record away again.
      if (testEngine() === "pglite") {
        await runSQL(t.db, sql`DROP TABLE IF EXISTS "health_probe"`);
        await runSQL(t.db, sql`DROP TABLE IF EXISTS "drizzle"."__drizzle_migrations"`);
      }
      t.cleanup();
    }
  });

  it("answers 503 DATABASE_UNREACHABLE for a closed client, without the driver's message", async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown): void => void errors.push(error);
    let db: unknown;
    let close: () => Promise<unknown> | unknown;
    if (testEngine() === "postgres") {
      // The pool of a real server, ended as an app's shutdown would end it.
      const t = await createTestDatabase();
      db = t.db;
      close = () => (t.db as unknown as { $client: { end(): Promise<void> } }).$client.end();
    } else if (onPostgres()) {
      // Its own PGlite: the leased ones go back to the pool of this file.
      const client = new PGlite();
      db = await postgres.createDatabase({ client });
      await postgres.migrate(db as never);
      close = () => client.close();
    } else {
      const t = await createTestDatabase();
      db = t.db;
      close = () => t.cleanup();
    }
    const health = handler({ db, onError });
    expect((await health.GET()).status).toBe(200);
    await close();
    const { status, cache, body } = await read(await health.GET());
    expect(status).toBe(503);
    expect(cache).toBe("no-store");
    expect(body).toEqual({ status: "error", reason: "DATABASE_UNREACHABLE", version: VERSION, migration: null });
    expect(errors).toHaveLength(1);
  });

  it("answers 503 DATABASE_TIMEOUT when the database accepts the connection and never answers", async () => {
    const url = onPostgres()
      ? `postgres://health:Sup3r-Secret-pw@127.0.0.1:${silentPort}/app`
      : `http://127.0.0.1:${silentPort}`;
    const db = onPostgres()
      ? await postgres.createDatabase({ url, connectTimeoutMs: 0 })
      : libsql.createDatabase({ url, authToken: "Sup3r-Secret-token" });
    const reasons: string[] = [];
    const health = handler({ db, timeoutMs: 300, onError: (_e, reason) => void reasons.push(reason) });
    const started = Date.now();
    const [first, second] = await Promise.all([read(await health.GET()), health.GET().then(read)]);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const answer of [first, second]) {
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ status: "error", reason: "DATABASE_TIMEOUT", version: VERSION, migration: null });
      expect(answer.text).not.toContain("Sup3r");
      expect(answer.text).not.toContain(String(silentPort));
    }
    expect(reasons).toEqual(["DATABASE_TIMEOUT", "DATABASE_TIMEOUT"]);
    // Both checks shared one connection attempt rather than each opening its own.
    expect(sockets.size).toBe(1);
    for (const socket of sockets) socket.destroy();
    if (onPostgres()) await (db as { $client: { end(): Promise<void> } }).$client.end().catch(() => undefined);
    else (db as { $client: { close(): void } }).$client.close();
  });

  it("answers 503 DATABASE_UNREACHABLE with no password, host or port when nothing listens at the URL", async () => {
    const url = onPostgres()
      ? `postgres://health:Sup3r-Secret-pw@127.0.0.1:${closedPort}/app`
      : `http://127.0.0.1:${closedPort}`;
    const db = onPostgres()
      ? await postgres.createDatabase({ url })
      : libsql.createDatabase({ url, authToken: "Sup3r-Secret-token" });
    const errors: unknown[] = [];
    const { status, text, body } = await read(await handler({ db, onError: (e) => void errors.push(e) }).GET());
    expect(status).toBe(503);
    expect(body).toEqual({ status: "error", reason: "DATABASE_UNREACHABLE", version: VERSION, migration: null });
    expect(text).not.toContain("Sup3r");
    expect(text).not.toContain(String(closedPort));
    expect(text).not.toContain("127.0.0.1");
    // The cause is there for the app's logs.
    expect(errors).toHaveLength(1);
    if (onPostgres()) await (db as { $client: { end(): Promise<void> } }).$client.end();
    else (db as { $client: { close(): void } }).$client.close();
  });

  it("refuses options that are not a database of its dialect with a ConfigError", async () => {
    const t = await createTestDatabase();
    try {
      const other = onPostgres() ? libsql : postgres;
      expect(() => other.createHealthHandler({ db: t.db as never })).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID" }),
      );
      for (const bad of [{}, { db: {} }, { db: t.db, timeoutMs: 0 }, { db: t.db, migrationsFolder: 3 }]) {
        expect(() => handler(bad as never)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
      }
    } finally {
      t.cleanup();
    }
  });
});

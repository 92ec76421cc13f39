/**
 * The Hrana-over-HTTP test stand-in (a stand-in, not sqld), through the client the package uses
 * (`@libsql/client` 0.18 over `http://`) and, for what that client never sends, raw Hrana JSON.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Client, createClient, LibsqlError } from "@libsql/client";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { classifyConstraintError } from "../../src/database/errors.js";
import { type HostedDatabase, type LibsqlHttpServer, startLibsqlHttpServer } from "./libsql-http-server.js";

const run = promisify(execFile);
let server: LibsqlHttpServer;
let dir: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startLibsqlHttpServer({ streamIdleMs: 300, lockWaitMs: 2_000 });
  dir = mkdtempSync(join(tmpdir(), "tetrastack-hrana-"));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A new database file behind the stand-in, and a client on its URL. */
function open(): { hosted: HostedDatabase; client: Client } {
  const hosted = server.serve(join(dir, `db-${++files}.db`));
  const client = createClient({ url: hosted.url });
  cleanups.push(
    () => client.close(),
    () => hosted.close(),
  );
  return { hosted, client };
}

/** A pipeline response, read loosely: the assertions check its shape. */
interface PipelineBody {
  baton: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: JSON whose shape the assertions check.
  results: { type: string; response?: any; error?: unknown }[];
}

/** A raw Hrana v2 pipeline request. */
async function pipeline(
  hosted: HostedDatabase,
  requests: unknown[],
  baton?: string | null,
): Promise<{ status: number; body: PipelineBody }> {
  const response = await fetch(new URL("v2/pipeline", hosted.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ baton: baton ?? null, requests }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get("content-type") === "application/json" ? JSON.parse(text) : text,
  };
}

const execute = (sql: string, args: unknown[] = []) => ({ type: "execute", stmt: { sql, args, want_rows: true } });

/** The rejection of `promise`, or a failure if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<LibsqlError> {
  const error = await promise.then(
    () => new Error("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LibsqlError);
  return error as LibsqlError;
}

describe("startLibsqlHttpServer", () => {
  it("listens on 127.0.0.1, answers GET /v2, and 404 for v3 (so clients use v2) and unknown databases", async () => {
    const { hosted } = open();
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const v2 = await fetch(new URL("v2", hosted.url));
    expect(v2.status).toBe(200);
    expect(await v2.text()).toContain("Hrana over HTTP");
    for (const path of ["v3", "v3-protobuf", "v3/pipeline", "v2/cursor"]) {
      expect((await fetch(new URL(path, hosted.url))).status, path).toBe(404);
    }
    expect((await fetch(`${server.origin}/db-unknown/v2`)).status).toBe(404);
  });

  it("runs statements with every value type and reports columns, declared types, changes and row ids", async () => {
    const { client, hosted } = open();
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n)");
    const insert = await client.execute({
      sql: "INSERT INTO t (i, r, s, b, n) VALUES (?, ?, ?, ?, ?)",
      args: [7n, 1.5, "héllo", new Uint8Array([0, 1, 254, 255]), null],
    });
    expect(insert.rowsAffected).toBe(1);
    expect(insert.lastInsertRowid).toBe(1n);
    await client.execute({ sql: "INSERT INTO t (i, s) VALUES (:i, $s)", args: { i: 2, s: "named" } });

    const result = await client.execute("SELECT id, i, r, s, b, n, typeof(i) AS ti, 1 + 1 AS two FROM t ORDER BY id");
    expect(result.columns).toEqual(["id", "i", "r", "s", "b", "n", "ti", "two"]);
    expect(result.columnTypes).toEqual(["INTEGER", "INTEGER", "REAL", "TEXT", "BLOB", "", "", ""]);
    const [first, second] = result.rows;
    expect(first?.r).toBe(1.5);
    expect(first?.s).toBe("héllo");
    expect(new Uint8Array(first?.b as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(first?.n).toBeNull();
    expect(first?.ti).toBe("integer");
    expect(first?.two).toBe(2);
    // A JavaScript number travels as a float, as sqld binds it; INTEGER affinity stores an integer.
    expect(second).toMatchObject({ i: 2, s: "named", ti: "integer" });
    // A 64-bit value beyond a double's precision, both ways.
    const bigints = createClient({ url: hosted.url, intMode: "bigint" });
    cleanups.push(() => bigints.close());
    const big = await bigints.execute({ sql: "SELECT ? AS v, ? + 0 AS mixed", args: [9007199254740993n, 7n] });
    expect(big.rows[0]).toMatchObject({ v: 9007199254740993n, mixed: 7n });

    const update = await client.execute("UPDATE t SET s = 'x'");
    expect(update.rowsAffected).toBe(2);
    // A read does not repeat the count of the write before it.
    expect((await client.execute("SELECT count(*) AS c FROM t")).rowsAffected).toBe(0);
    const returning = await client.execute("DELETE FROM t WHERE id = 2 RETURNING id");
    expect(returning.rows.map((row) => row.id)).toEqual([2]);
    expect(returning.rowsAffected).toBe(1);
  });

  it("reports SQLite's errors as sqld does: primary code, SQLite's message, and constraint classification", async () => {
    const { client } = open();
    await client.executeMultiple(`
      CREATE TABLE parents (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
      CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents(id));
      INSERT INTO parents (id, email) VALUES (1, 'a@example.com');
    `);
    const unique = await rejection(client.execute("INSERT INTO parents (email) VALUES ('a@example.com')"));
    expect(unique.code).toBe("SQLITE_CONSTRAINT");
    expect(unique.message).toContain("SQLite error: UNIQUE constraint failed: parents.email");
    expect(classifyConstraintError(unique)).toEqual({
      kind: "unique",
      target: { table: "parents", columns: ["email"] },
    });
    // Foreign keys are on for every stream, even on a connection a stream before turned them off on.
    await client.execute("PRAGMA foreign_keys = OFF");
    const foreign = await rejection(client.execute("INSERT INTO children (parent_id) VALUES (42)"));
    expect(foreign.code).toBe("SQLITE_CONSTRAINT");
    expect(classifyConstraintError(foreign)).toEqual({ kind: "foreign-key" });

    expect((await rejection(client.execute("SELEC 1"))).code).toBe("SQLITE_UNKNOWN");
    expect((await rejection(client.execute("SELECT 1; SELECT 2"))).code).toBe("SQL_MANY_STATEMENTS");
    expect((await rejection(client.execute("  -- nothing"))).code).toBe("SQL_NO_STATEMENT");
    // A semicolon inside a string, a quoted name or a comment ends nothing.
    const quoted = await client.execute(`SELECT ';' AS "a;b" /* ; */ -- ;\n`);
    expect(quoted.rows[0]?.["a;b"]).toBe(";");
  });

  it("runs a batch in one transaction: a failing statement rolls back the others", async () => {
    const { client } = open();
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    const error = await rejection(
      client.batch(["INSERT INTO t (v) VALUES ('a')", "INSERT INTO t (v) VALUES ('a')"], "write"),
    );
    expect(error.code).toBe("SQLITE_CONSTRAINT");
    expect((await client.execute("SELECT count(*) AS c FROM t")).rows[0]?.c).toBe(0);
    const results = await client.batch(["INSERT INTO t (v) VALUES ('b')", "SELECT v FROM t"], "write");
    expect(results[1]?.rows.map((row) => row.v)).toEqual(["b"]);
  });

  it("keeps a transaction on its stream, and a second writer waits for its COMMIT", async () => {
    const { client, hosted } = open();
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('in tx')");
    expect(hosted.openStreams()).toBe(1);
    // Not visible outside before COMMIT; reads do not wait for the writer.
    expect((await client.execute("SELECT count(*) AS c FROM t")).rows[0]?.c).toBe(0);
    const order: string[] = [];
    const other = client.execute("INSERT INTO t (v) VALUES ('other')").then(() => order.push("other written"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push("commit");
    await tx.commit();
    await other;
    expect(order).toEqual(["commit", "other written"]);
    expect((await client.execute("SELECT v FROM t ORDER BY id")).rows.map((row) => row.v)).toEqual(["in tx", "other"]);

    const rolledBack = await client.transaction("write");
    await rolledBack.execute("INSERT INTO t (v) VALUES ('gone')");
    await rolledBack.rollback();
    expect((await client.execute("SELECT count(*) AS c FROM t")).rows[0]?.c).toBe(2);
    // Every stream was closed by the client (execute, batch and transactions each close theirs).
    expect(hosted.openStreams()).toBe(0);
  });

  it("expires an idle stream: its transaction is rolled back and its baton answers STREAM_EXPIRED", async () => {
    const { client, hosted } = open();
    await client.execute("CREATE TABLE t (v TEXT)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t (v) VALUES ('abandoned')");
    await new Promise((resolve) => setTimeout(resolve, 600)); // streamIdleMs is 300 here
    expect(hosted.openStreams()).toBe(0);
    expect((await rejection(tx.commit())).code).toBe("STREAM_EXPIRED");
    // The lock went with it: another writer goes ahead at once.
    await client.execute("INSERT INTO t (v) VALUES ('next')");
    expect((await client.execute("SELECT v FROM t")).rows.map((row) => row.v)).toEqual(["next"]);
  });

  it("evaluates batch conditions (ok, error, not, and, or, is_autocommit) and skips steps", async () => {
    const { hosted } = open();
    const stmt = (sql: string) => ({ sql, args: [], want_rows: true });
    const { status, body } = await pipeline(hosted, [
      {
        type: "batch",
        batch: {
          steps: [
            { stmt: stmt("SELECT 1") },
            { stmt: stmt("SELECT * FROM missing"), condition: { type: "ok", step: 0 } },
            { stmt: stmt("SELECT 3"), condition: { type: "error", step: 1 } },
            { stmt: stmt("SELECT 4"), condition: { type: "not", cond: { type: "ok", step: 2 } } },
            {
              stmt: stmt("SELECT 5"),
              condition: {
                type: "and",
                conds: [
                  { type: "ok", step: 0 },
                  { type: "error", step: 1 },
                ],
              },
            },
            {
              stmt: stmt("SELECT 6"),
              condition: {
                type: "or",
                conds: [
                  { type: "ok", step: 3 },
                  { type: "ok", step: 1 },
                ],
              },
            },
            { stmt: stmt("SELECT 7"), condition: { type: "is_autocommit" } },
          ],
        },
      },
      { type: "close" },
    ]);
    expect(status).toBe(200);
    const result = body.results[0]?.response?.result;
    const ran = (result.step_results as ({ rows: unknown[][] } | null)[]).map((step) => step?.rows[0]?.[0] ?? null);
    expect(ran).toEqual([
      { type: "integer", value: "1" },
      null,
      { type: "integer", value: "3" },
      null,
      { type: "integer", value: "5" },
      null,
      { type: "integer", value: "7" },
    ]);
    expect(result.step_errors[1]).toMatchObject({
      code: "SQLITE_UNKNOWN",
      message: expect.stringContaining("missing"),
    });
    expect(body.baton).toBeNull();
  });

  it("stores SQL texts per stream, runs sequences, describes statements, answers get_autocommit", async () => {
    const { hosted } = open();
    const first = await pipeline(hosted, [
      { type: "store_sql", sql_id: 1, sql: "SELECT :name AS greeting, ?3 AS third" },
      { type: "execute", stmt: { sql_id: 1, named_args: [{ name: "name", value: { type: "text", value: "hi" } }] } },
      { type: "sequence", sql: "CREATE TABLE t (v); BEGIN; INSERT INTO t VALUES (1)" },
      { type: "get_autocommit" },
      { type: "describe", sql_id: 1 },
      { type: "describe", sql: "INSERT INTO t VALUES (?)" },
    ]);
    expect(first.status).toBe(200);
    const [, executed, , autocommit, describedSelect, describedInsert] = first.body.results.map((r) => r.response);
    expect(executed.result.rows[0][0]).toEqual({ type: "text", value: "hi" });
    expect(autocommit).toEqual({ type: "get_autocommit", is_autocommit: false });
    expect(describedSelect.result).toMatchObject({
      params: [{ name: ":name" }, { name: null }, { name: "?3" }],
      cols: [{ name: "greeting" }, { name: "third" }],
      is_explain: false,
      is_readonly: true,
    });
    expect(describedInsert.result).toMatchObject({ params: [{ name: null }], is_readonly: false });
    const baton = first.body.baton;
    expect(typeof baton).toBe("string");

    // The next request on the same stream sees its open transaction and its stored text.
    const second = await pipeline(
      hosted,
      [{ type: "close_sql", sql_id: 1 }, execute("COMMIT"), { type: "close" }],
      baton,
    );
    expect(second.body.results.map((r) => r.type)).toEqual(["ok", "ok", "ok"]);
    expect(second.body.baton).toBeNull();
    // A baton is good for one request only, and an unknown text id breaks the protocol.
    expect((await pipeline(hosted, [execute("SELECT 1")], baton)).status).toBe(400);
    expect((await pipeline(hosted, [{ type: "execute", stmt: { sql_id: 9 } }])).status).toBe(400);
    expect(hosted.statements).toContain("CREATE TABLE t (v); BEGIN; INSERT INTO t VALUES (1)");
  });

  it("asks for the bearer token when given one", async () => {
    const guarded = await startLibsqlHttpServer({ authToken: "s3cret" });
    try {
      const hosted = guarded.serve(join(dir, "guarded.db"));
      const without = createClient({ url: hosted.url });
      const withToken = createClient({ url: hosted.url, authToken: "s3cret" });
      try {
        expect((await rejection(without.execute("SELECT 1"))).message).toContain("401");
        expect((await withToken.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
      } finally {
        without.close();
        withToken.close();
      }
    } finally {
      await guarded.stop();
    }
  });

  it("never keeps a process alive: one with the server started, a stream open, exits by itself", async () => {
    // The stand-in bundled as it is (dependencies stay external), then run by a plain node process.
    const bundle = join(fileURLToPath(new URL(".", import.meta.url)), `.stand-in-${process.pid}.mjs`);
    cleanups.push(() => rmSync(bundle, { force: true }));
    await build({
      entryPoints: [fileURLToPath(new URL("./libsql-http-server.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outfile: bundle,
      logLevel: "silent",
    });
    const script = `
      const { startLibsqlHttpServer } = await import(${JSON.stringify(bundle)});
      const { createClient } = await import("@libsql/client");
      const server = await startLibsqlHttpServer();
      const client = createClient({ url: server.serve(process.argv[1]).url });
      const tx = await client.transaction("write");
      await tx.execute("CREATE TABLE t (v)");
      console.log("stream open");
    `;
    const started = performance.now();
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, join(dir, "alive.db")], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      timeout: 20_000,
    });
    expect(stdout).toContain("stream open");
    // Far below the stream's 10 s expiry: nothing of the server waited for it.
    expect(performance.now() - started).toBeLessThan(8_000);
  });
});

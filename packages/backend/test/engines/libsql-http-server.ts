/**
 * TEST STAND-IN — NOT sqld, NOT Turso. A small server speaking Hrana v2 over HTTP (JSON), the
 * protocol `@libsql/client` 0.18 uses for `http://` and `https://` URLs, so the package's suites can
 * run over the network path: SQL text, arguments, results and errors travel as JSON through
 * `fetch`, statements are grouped into pipelines, streams are tied to batons, and every statement
 * runs on the server side, as against a libSQL server.
 *
 * It exists because no libSQL server can be installed on these machines (none in Debian's
 * packages or on npm; the `turso` CLI's sync server does not speak what `@libsql/client` needs).
 * Behind it is the npm `libsql` engine (the native module `@libsql/client` itself uses for
 * `file:` URLs), one connection per stream (kept for a later stream once it closes outside any
 * transaction), on a WAL file, foreign keys on.
 *
 * Modelled on sqld's source (tursodatabase/libsql, `libsql-server/src/hrana/`): the request and
 * response JSON, batch conditions, stream expiry after 10 s idle, one-use batons, and its errors:
 * SQLite failures carry SQLite's *primary* code name (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, and
 * `SQLITE_UNKNOWN` for a plain `SQLITE_ERROR`, as rusqlite names it) and the message
 * `SQLite error: <SQLite's message>`; protocol violations get HTTP 400, an expired stream
 * HTTP 500 with `STREAM_EXPIRED`. Known differences from sqld:
 * - writers of different streams wait for each other in JavaScript (up to `lockWaitMs`), where
 *   sqld waits in SQLite's busy handler and can steal a lock held too long (`TRANSACTION_TIMEOUT`);
 * - errors found while preparing (syntax, unknown table) come as `SQLITE_UNKNOWN` where sqld may
 *   send `SQL_INPUT_ERROR` with an offset; `describe` tells read-only statements by their first
 *   keyword, not by SQLite's `sqlite3_stmt_readonly`;
 * - `get_autocommit` and the `is_autocommit` condition are answered on v2, where sqld accepts
 *   them only on v3 (which `@libsql/client` 0.18 never asks for over HTTP: it sends v2 JSON);
 * - no v3 (`/v3`, `/v3-protobuf`: 404, as an older sqld), no cursors, no replication, no
 *   namespaces (one database per URL path instead), no JWT: an optional fixed bearer token.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** The part of the npm `libsql` engine's better-sqlite3-like API this server uses. */
interface EngineStatement {
  readonly reader: boolean;
  raw(toggle?: boolean): EngineStatement;
  safeIntegers(toggle?: boolean): EngineStatement;
  columns(): { name: string; type: string | null }[];
  all(params: readonly unknown[]): unknown[][];
  run(params: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
interface EngineConnection {
  readonly inTransaction: boolean;
  prepare(sql: string): EngineStatement;
  exec(sql: string): void;
  close(): void;
}
type EngineConstructor = new (path: string) => EngineConnection;

// `libsql` is a dependency of `@libsql/client`, not of this package: load the very copy it uses.
const requireFromClient = createRequire(createRequire(import.meta.url).resolve("@libsql/client"));
const Engine = requireFromClient("libsql") as EngineConstructor;

/** Options of {@link startLibsqlHttpServer}. */
export interface LibsqlHttpServerOptions {
  /**
   * A token every request must present as `Authorization: Bearer <token>` (else HTTP 401).
   * @default undefined (no check)
   */
  authToken?: string;
  /**
   * How long an idle stream lives before its baton expires and its connection closes (rolling
   * back an open transaction).
   * @default 10_000 (sqld's)
   */
  streamIdleMs?: number;
  /**
   * How long a request that may write waits while another stream holds the write lock in an open
   * transaction, before it runs anyway (and SQLite answers `SQLITE_BUSY`).
   * @default 5_000
   */
  lockWaitMs?: number;
}

/** One database file served by the stand-in. */
export interface HostedDatabase {
  /** The URL to give `@libsql/client`: `http://127.0.0.1:<port>/<name>/`. */
  readonly url: string;
  /** Every SQL text this database received, in order (execute, batch steps, sequences). */
  readonly statements: readonly string[];
  /** Streams whose batons are live (or that a request holds right now). */
  openStreams(): number;
  /** Stops serving the file: closes its streams' connections; its URL then answers 404. */
  close(): void;
}

/** A running stand-in on 127.0.0.1. */
export interface LibsqlHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Serves the SQLite file at `path` (created if missing, switched to WAL) under a new URL. */
  serve(path: string): HostedDatabase;
  /** Closes every stream and the listening socket. */
  stop(): Promise<void>;
}

/** A Hrana error object: `{ message, code }`. */
interface HranaError {
  message: string;
  code: string;
}

/** A statement failed: reported in its result, the stream goes on. */
class StmtError extends Error {
  constructor(
    readonly hrana: HranaError,
    options?: ErrorOptions,
  ) {
    super(hrana.message, options);
  }
}

/** The client broke the protocol: HTTP 400, the stream is dropped (as sqld does). */
class ProtocolError extends Error {}

type Value = null | bigint | number | string | Buffer;

interface Stream {
  readonly database: Database;
  connection: EngineConnection | undefined;
  /** Closed by a `close` request, expiry or the database closing: no baton is handed out again. */
  closed: boolean;
  readonly sqls: Map<number, string>;
  /** Holds SQLite's write lock in a transaction kept open between requests. */
  holdsLock: boolean;
  /** A statement that may write succeeded during the current request. */
  wrote: boolean;
  /** A statement failed with SQLITE_BUSY on the connection (see `engineError`). */
  poisoned: boolean;
  /** The baton handed out for the next request, while the stream waits for it. */
  baton: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** `changes(), total_changes(), last_insert_rowid()` on this connection, prepared once. */
  counters: EngineStatement | undefined;
}

interface Database {
  readonly name: string;
  readonly path: string;
  readonly statements: string[];
  readonly streams: Set<Stream>;
  /** Connections of closed streams, out of any transaction, for the next streams. */
  readonly idle: { connection: EngineConnection; counters: EngineStatement | undefined }[];
  /** Woken when the stream holding the lock lets it go. */
  readonly lockWaiters: Set<() => void>;
  closed: boolean;
}

/** sqld's stream expiry (`EXPIRATION` in `hrana/http/stream.rs`). */
const DEFAULT_STREAM_IDLE_MS = 10_000;
const DEFAULT_LOCK_WAIT_MS = 5_000;
/** Largest request body accepted. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Batons of expired streams remembered, to answer STREAM_EXPIRED rather than "invalid baton". */
const EXPIRED_BATONS_KEPT = 1_000;
/** sqld's limit on texts stored with `store_sql` per stream. */
const MAX_STORED_SQL = 50;
/** Idle connections kept per database: opening one (and reading its schema) is most of a request's cost. */
const MAX_IDLE_CONNECTIONS = 4;

/**
 * SQLite's primary result codes by the names sqld sends (rusqlite's `ErrorCode`, mapped in
 * `hrana/stmt.rs`); anything else, `SQLITE_ERROR` included, is `SQLITE_UNKNOWN` there.
 */
const PRIMARY_CODE_NAMES: Record<number, string> = {
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

/** Statements that never take SQLite's write lock (a plain or deferred BEGIN takes none either). */
const NON_WRITING = new Set(["SELECT", "VALUES", "EXPLAIN", "COMMIT", "END", "ROLLBACK", "RELEASE", "SAVEPOINT"]);

/**
 * Starts the stand-in on a free port of 127.0.0.1. It never keeps the process alive (its socket,
 * connections and timers are unref'd) and stops with {@link LibsqlHttpServer.stop}.
 */
export async function startLibsqlHttpServer(options: LibsqlHttpServerOptions = {}): Promise<LibsqlHttpServer> {
  const streamIdleMs = options.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS;
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const databases = new Map<string, Database>();
  const batons = new Map<string, Stream>();
  const expiredBatons = new Set<string>();
  let served = 0;

  // ---- streams ----

  function openStream(database: Database): Stream {
    const stream: Stream = {
      database,
      connection: undefined,
      closed: false,
      sqls: new Map(),
      holdsLock: false,
      wrote: false,
      poisoned: false,
      baton: undefined,
      timer: undefined,
      counters: undefined,
    };
    database.streams.add(stream);
    return stream;
  }

  function connectionOf(stream: Stream): EngineConnection {
    if (stream.closed) throw new ProtocolError("The stream has already been closed");
    if (!stream.connection) {
      const reused = stream.database.idle.pop();
      if (reused) {
        // What a stream before may have turned off; a new connection has it on.
        reused.connection.exec("PRAGMA foreign_keys = ON");
        stream.connection = reused.connection;
        stream.counters = reused.counters;
      } else {
        const connection = new Engine(stream.database.path);
        // No busy wait inside SQLite: it would block this (the only) thread, and with it the
        // stream that holds the lock. Writers wait for each other in JavaScript (`waitForLock`).
        connection.exec("PRAGMA busy_timeout = 0; PRAGMA foreign_keys = ON");
        stream.connection = connection;
      }
    }
    return stream.connection;
  }

  /**
   * Takes the connection from the stream: kept for another stream when it is out of any
   * transaction and sound, else rolled back and closed. The next use opens or reuses another.
   */
  function dropConnection(stream: Stream): void {
    const { connection, counters, poisoned, database } = stream;
    stream.connection = undefined;
    stream.counters = undefined;
    stream.poisoned = false;
    if (!connection) return;
    if (!poisoned && !database.closed && !connection.inTransaction && database.idle.length < MAX_IDLE_CONNECTIONS) {
      database.idle.push({ connection, counters });
      return;
    }
    closeConnection(connection);
  }

  function closeConnection(connection: EngineConnection): void {
    try {
      // Rolled back first: closing a connection whose statements the engine has not finalized
      // yet (it does so at garbage collection) leaves it a zombie that keeps its transaction.
      if (connection.inTransaction) connection.exec("ROLLBACK");
      connection.close();
    } catch {
      // A connection the engine could not close cleanly is dropped all the same.
    }
  }

  /** Closes a database's streams and idle connections. */
  function closeDatabase(database: Database): void {
    database.closed = true;
    for (const stream of [...database.streams]) closeStream(stream);
    for (const { connection } of database.idle.splice(0)) closeConnection(connection);
    wakeLockWaiters(database);
  }

  /** Ends the stream: its connection, its baton, its hold on the write lock. */
  function closeStream(stream: Stream): void {
    stream.closed = true;
    clearTimeout(stream.timer);
    if (stream.baton !== undefined) batons.delete(stream.baton);
    stream.baton = undefined;
    stream.database.streams.delete(stream);
    dropConnection(stream);
    if (stream.holdsLock) {
      stream.holdsLock = false;
      wakeLockWaiters(stream.database);
    }
  }

  /** After a request: a new one-use baton and the idle timer, or nothing for a closed stream. */
  function release(stream: Stream): string | null {
    if (stream.closed) return null;
    const baton = randomBytes(24).toString("base64url");
    batons.set(baton, stream);
    stream.baton = baton;
    stream.timer = setTimeout(() => {
      expiredBatons.add(baton);
      if (expiredBatons.size > EXPIRED_BATONS_KEPT) {
        expiredBatons.delete(expiredBatons.values().next().value as string);
      }
      closeStream(stream);
    }, streamIdleMs);
    stream.timer.unref();
    return baton;
  }

  // ---- the write lock between streams ----

  function lockHolder(database: Database): Stream | undefined {
    for (const stream of database.streams) if (stream.holdsLock) return stream;
    return undefined;
  }

  function wakeLockWaiters(database: Database): void {
    for (const wake of [...database.lockWaiters]) wake();
  }

  /**
   * Waits while another stream holds SQLite's write lock in an open transaction. Without this,
   * SQLite would answer SQLITE_BUSY at once (its busy timeout is 0 here, see `connectionOf`),
   * where sqld's connection would wait for the lock.
   */
  async function waitForLock(stream: Stream): Promise<void> {
    const deadline = performance.now() + lockWaitMs;
    for (;;) {
      const holder = lockHolder(stream.database);
      const remaining = deadline - performance.now();
      if (!holder || holder === stream || remaining <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          stream.database.lockWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        timer.unref();
        stream.database.lockWaiters.add(wake);
      });
    }
  }

  // ---- statements ----

  function resolveSql(stream: Stream, sql: unknown, sqlId: unknown): string {
    if (typeof sql === "string" && (sqlId === undefined || sqlId === null)) return sql;
    if ((sql === undefined || sql === null) && typeof sqlId === "number") {
      const stored = stream.sqls.get(sqlId);
      if (stored === undefined) throw new ProtocolError(`SQL text ${sqlId} not found`);
      return stored;
    }
    throw new ProtocolError("Exactly one of `sql` and `sql_id` must be given");
  }

  /** The one statement of an `execute` or batch step (sqld refuses none or several). */
  function singleStatement(sql: string): ScannedStatement {
    const statements = scanSql(sql);
    if (statements.length === 0) {
      throw new StmtError({ message: "SQL string does not contain any statement", code: "SQL_NO_STATEMENT" });
    }
    if (statements.length > 1) {
      throw new StmtError({ message: "SQL string contains more than one statement", code: "SQL_MANY_STATEMENTS" });
    }
    return statements[0] as ScannedStatement;
  }

  /**
   * The statement's arguments by position. Named ones are placed by the statement's own parameter
   * names (the engine's binding by object crashes the process on a statement that also has a
   * nameless parameter); a name without its `:`, `@` or `$` matches any of them, an unknown name
   * is ignored, as sqld does.
   */
  function bindings(stmt: Record<string, unknown>, statement: ScannedStatement): Value[] {
    const args = optionalArray(stmt.args, "args").map(decodeValue);
    const named = optionalArray(stmt.named_args, "named_args");
    if (named.length === 0) return args;
    if (args.length > 0) {
      throw new StmtError({
        message: "Specifying both positional and named arguments is not supported",
        code: "ARGS_BOTH_POSITIONAL_AND_NAMED",
      });
    }
    const byName = new Map<string, Value>();
    for (const arg of named) {
      const { name, value } = asObject(arg, "named argument");
      if (typeof name !== "string") throw new ProtocolError("A named argument needs a name");
      byName.set(name, decodeValue(value));
    }
    return statement.params.map((param) => {
      if (param === null) return null;
      const value = byName.get(param) ?? byName.get(param.slice(1));
      return value === undefined ? null : value;
    });
  }

  function execute(stream: Stream, input: unknown): Record<string, unknown> {
    const stmt = asObject(input, "stmt");
    const sql = resolveSql(stream, stmt.sql, stmt.sql_id);
    stream.database.statements.push(sql);
    const statement = singleStatement(sql);
    const params = bindings(stmt, statement);
    const connection = connectionOf(stream);
    try {
      stream.counters ??= connection.prepare("SELECT changes(), total_changes(), last_insert_rowid()");
      const counters = stream.counters.raw(true).safeIntegers(true);
      const before = counters.all([])[0]?.[1];
      const prepared = connection.prepare(sql).safeIntegers(true);
      let cols: { name: string; decltype: string | null }[] = [];
      let rows: unknown[][] = [];
      if (prepared.reader) {
        prepared.raw(true);
        cols = prepared.columns().map((col) => ({ name: col.name, decltype: col.type ?? null }));
        rows = prepared.all(params);
      } else {
        prepared.run(params);
      }
      const [changes, total, rowid] = (counters.all([])[0] ?? []) as bigint[];
      if (writes(statement)) stream.wrote = true;
      return {
        cols,
        rows: stmt.want_rows === false ? [] : rows.map((row) => row.map(encodeValue)),
        // Rows this statement changed; `changes()` alone would repeat the last write's count.
        affected_row_count: total !== before ? Number(changes) : 0,
        last_insert_rowid: rowid === undefined ? null : String(rowid),
      };
    } catch (error) {
      throw engineError(stream, error);
    }
  }

  function batch(stream: Stream, input: unknown): Record<string, unknown> {
    const steps = optionalArray(asObject(input, "batch").steps, "steps").map((value, index) => {
      const step = asObject(value, "batch step");
      if (step.condition !== undefined && step.condition !== null) checkCondition(step.condition, index);
      return step;
    });
    const outcomes: ("ok" | "error" | "skipped")[] = [];
    const stepResults: unknown[] = [];
    const stepErrors: unknown[] = [];
    for (const step of steps) {
      const run = step.condition === undefined || step.condition === null || holds(step.condition, outcomes, stream);
      if (!run) {
        outcomes.push("skipped");
        stepResults.push(null);
        stepErrors.push(null);
        continue;
      }
      try {
        stepResults.push(execute(stream, step.stmt));
        stepErrors.push(null);
        outcomes.push("ok");
      } catch (error) {
        if (!(error instanceof StmtError)) throw error;
        stepResults.push(null);
        stepErrors.push(error.hrana);
        outcomes.push("error");
      }
    }
    return { step_results: stepResults, step_errors: stepErrors };
  }

  function holds(condition: unknown, outcomes: readonly string[], stream: Stream): boolean {
    const cond = condition as Record<string, unknown>;
    switch (cond.type) {
      case "ok":
        return outcomes[cond.step as number] === "ok";
      case "error":
        return outcomes[cond.step as number] === "error";
      case "not":
        return !holds(cond.cond, outcomes, stream);
      case "and":
        return (cond.conds as unknown[]).every((inner) => holds(inner, outcomes, stream));
      case "or":
        return (cond.conds as unknown[]).some((inner) => holds(inner, outcomes, stream));
      case "is_autocommit":
        return !connectionOf(stream).inTransaction;
      default:
        throw new ProtocolError("Unknown batch condition");
    }
  }

  function sequence(stream: Stream, request: Record<string, unknown>): void {
    const sql = resolveSql(stream, request.sql, request.sql_id);
    stream.database.statements.push(sql);
    try {
      connectionOf(stream).exec(sql);
      stream.wrote = true;
    } catch (error) {
      throw engineError(stream, error);
    }
  }

  function describe(stream: Stream, request: Record<string, unknown>): Record<string, unknown> {
    const sql = resolveSql(stream, request.sql, request.sql_id);
    const statement = singleStatement(sql);
    const connection = connectionOf(stream);
    try {
      const prepared = connection.prepare(sql);
      const cols = prepared.reader ? prepared.columns().map((col) => ({ name: col.name, decltype: col.type })) : [];
      return {
        params: statement.params.map((name) => ({ name })),
        cols,
        is_explain: statement.words[0] === "EXPLAIN",
        // By the first keyword, as the engine does not expose `sqlite3_stmt_readonly` (and an
        // EXPLAIN of a write, the other way to tell, stays "in progress" and blocks COMMIT).
        is_readonly: !writes(statement),
      };
    } catch (error) {
      throw engineError(stream, error);
    }
  }

  /** The stream request's response, or a StmtError for the result; throws ProtocolError. */
  function handle(stream: Stream, input: unknown): Record<string, unknown> {
    const request = asObject(input, "stream request");
    switch (request.type) {
      case "close":
        closeStream(stream);
        return { type: "close" };
      case "execute":
        return { type: "execute", result: execute(stream, request.stmt) };
      case "batch":
        return { type: "batch", result: batch(stream, request.batch) };
      case "sequence":
        sequence(stream, request);
        return { type: "sequence" };
      case "describe":
        return { type: "describe", result: describe(stream, request) };
      case "store_sql": {
        const { sql_id: sqlId, sql } = request;
        if (typeof sqlId !== "number" || typeof sql !== "string")
          throw new ProtocolError("store_sql needs sql_id and sql");
        if (stream.sqls.has(sqlId)) throw new ProtocolError(`SQL text ${sqlId} already exists`);
        if (stream.sqls.size >= MAX_STORED_SQL) {
          throw new StmtError({
            message: `The server already stores ${stream.sqls.size} SQL texts, it cannot store more`,
            code: "SQL_STORE_TOO_MANY",
          });
        }
        stream.sqls.set(sqlId, sql);
        return { type: "store_sql" };
      }
      case "close_sql":
        if (typeof request.sql_id !== "number") throw new ProtocolError("close_sql needs sql_id");
        stream.sqls.delete(request.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: !connectionOf(stream).inTransaction };
      default:
        throw new ProtocolError("Unknown stream request");
    }
  }

  /** SQLite's error as sqld reports it; after SQLITE_BUSY outside a transaction, a fresh connection. */
  function engineError(stream: Stream, error: unknown): StmtError {
    if (error instanceof StmtError) return error;
    const { code, rawCode, message } = (error ?? {}) as { code?: unknown; rawCode?: unknown; message?: unknown };
    if (typeof rawCode === "number" && typeof code === "string" && code.startsWith("SQLITE_")) {
      // libsql 0.5 never resets a statement that failed with SQLITE_BUSY, and later writes on its
      // connection would not commit: the connection is replaced once out of any transaction.
      if ((rawCode & 0xff) === 5) stream.poisoned = true;
      return new StmtError(
        { message: `SQLite error: ${String(message)}`, code: PRIMARY_CODE_NAMES[rawCode & 0xff] ?? "SQLITE_UNKNOWN" },
        { cause: error },
      );
    }
    if (error instanceof TypeError || error instanceof RangeError) {
      return new StmtError(
        { message: `Arguments do not match SQL parameters: ${error.message}`, code: "ARGS_INVALID" },
        { cause: error },
      );
    }
    throw error;
  }

  // ---- HTTP ----

  async function pipeline(database: Database, body: unknown): Promise<{ status: number; json: unknown }> {
    const { baton, requests } = asObject(body, "pipeline request");
    if (!Array.isArray(requests)) throw new ProtocolError("`requests` must be an array");
    let stream: Stream;
    if (baton === undefined || baton === null) {
      stream = openStream(database);
    } else {
      const found = typeof baton === "string" ? batons.get(baton) : undefined;
      if (!found || found.database !== database) {
        if (typeof baton === "string" && expiredBatons.has(baton)) {
          return {
            status: 500,
            json: { message: "The stream has expired due to inactivity", code: "STREAM_EXPIRED" },
          };
        }
        throw new ProtocolError("The baton is invalid");
      }
      batons.delete(baton as string);
      clearTimeout(found.timer);
      found.baton = undefined;
      stream = found;
    }
    try {
      if (requests.some((request) => mayWrite(request, stream))) await waitForLock(stream);
      stream.wrote = false;
      const results = requests.map((request) => {
        try {
          return { type: "ok", response: handle(stream, request) };
        } catch (error) {
          if (error instanceof StmtError) return { type: "error", error: error.hrana };
          throw error;
        } finally {
          if (stream.poisoned && !stream.connection?.inTransaction) dropConnection(stream);
        }
      });
      const held = stream.holdsLock;
      stream.holdsLock = !stream.closed && stream.connection?.inTransaction === true && (held || stream.wrote);
      if (held && !stream.holdsLock) wakeLockWaiters(database);
      return { status: 200, json: { baton: release(stream), base_url: null, results } };
    } catch (error) {
      // As sqld: a request that fails as a whole drops its stream.
      closeStream(stream);
      throw error;
    }
  }

  /** Whether a stream request may take SQLite's write lock: anything but reads and transaction control. */
  function mayWrite(input: unknown, stream: Stream): boolean {
    const request = (input ?? {}) as Record<string, unknown>;
    const texts: unknown[] = [];
    if (request.type === "execute") texts.push(request.stmt);
    else if (request.type === "batch") {
      const steps = (request.batch as { steps?: unknown } | undefined)?.steps;
      if (Array.isArray(steps)) texts.push(...steps.map((step) => (step as { stmt?: unknown } | null)?.stmt));
    } else if (request.type === "sequence") return true;
    else return false;
    return texts.some((stmt) => {
      const { sql, sql_id: sqlId } = (stmt ?? {}) as { sql?: unknown; sql_id?: unknown };
      const text = typeof sql === "string" ? sql : typeof sqlId === "number" ? stream.sqls.get(sqlId) : undefined;
      return text === undefined || scanSql(text).some(writes);
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, name, ...rest] = url.pathname.split("/");
    const database = name ? databases.get(name) : undefined;
    const path = rest.join("/");
    if (!database || database.closed) return text(response, 404, "Not found");
    if (options.authToken !== undefined && request.headers.authorization !== `Bearer ${options.authToken}`) {
      return text(response, 401, "Unauthorized");
    }
    if (request.method === "GET" && (path === "" || path === "v2")) {
      return text(response, 200, "Hello, this is HTTP API v2 (Hrana over HTTP)");
    }
    if (request.method !== "POST" || path !== "v2/pipeline") return text(response, 404, "Not found");
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      if (error instanceof RangeError) return text(response, 413, "Request body is too large");
      return text(response, 400, "Could not deserialize JSON request body");
    }
    try {
      const { status, json } = await pipeline(database, body);
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    } catch (error) {
      if (error instanceof ProtocolError) return text(response, 400, error.message);
      throw error;
    }
  }

  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) text(response, 500, `Internal error: ${String(error)}`);
      else response.destroy();
    });
  });
  // Never what keeps a test process alive.
  server.on("connection", (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    serve(path) {
      const name = `db-${++served}`;
      // What sqld runs its databases in; set once, it is a property of the file.
      const setup = new Engine(path);
      try {
        setup.exec("PRAGMA journal_mode = WAL");
      } finally {
        setup.close();
      }
      const database: Database = {
        name,
        path,
        statements: [],
        streams: new Set(),
        idle: [],
        lockWaiters: new Set(),
        closed: false,
      };
      databases.set(name, database);
      return {
        url: `${origin}/${name}/`,
        statements: database.statements,
        openStreams: () => database.streams.size,
        close() {
          databases.delete(name);
          closeDatabase(database);
        },
      };
    },
    async stop() {
      for (const database of databases.values()) closeDatabase(database);
      databases.clear();
      batons.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---- values ----

function decodeValue(input: unknown): Value {
  const value = asObject(input, "value");
  switch (value.type) {
    case "null":
      return null;
    case "integer":
      if (typeof value.value !== "string" || !/^-?\d+$/.test(value.value)) throw new ProtocolError("Bad integer");
      return BigInt(value.value);
    case "float":
      if (typeof value.value !== "number") throw new ProtocolError("Bad float");
      return value.value;
    case "text":
      if (typeof value.value !== "string") throw new ProtocolError("Bad text");
      return value.value;
    case "blob":
      if (typeof value.base64 !== "string") throw new ProtocolError("Bad blob");
      return Buffer.from(value.base64, "base64");
    default:
      throw new ProtocolError("Unknown value type");
  }
}

function encodeValue(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: String(value) };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) {
    // sqld writes base64 without padding.
    return { type: "blob", base64: Buffer.from(value).toString("base64").replace(/=+$/, "") };
  }
  throw new Error(`Unexpected value from the engine: ${typeof value}`);
}

// ---- SQL text ----

/** One statement of a SQL text: its first words (upper case) and its parameters' names by index. */
interface ScannedStatement {
  words: string[];
  /** Index i holds parameter i+1's name (`:a`, `?3`), or null for a bare `?`. */
  params: (string | null)[];
}

/**
 * Splits a SQL text into statements as SQLite's tokenizer would: `;` ends a statement outside
 * strings, quoted names and comments, and inside `CREATE TRIGGER` only after `END`.
 */
function scanSql(sql: string): ScannedStatement[] {
  const statements: ScannedStatement[] = [];
  let current: ScannedStatement | undefined;
  let trigger = false;
  let lastWord = "";
  const named = new Map<string, number>();
  // SQLite's numbering: `?NNN` is NNN, a name keeps the number of its first use, anything new
  // gets the largest number so far plus one.
  const param = (name: string | null, index?: number): void => {
    if (!current) return;
    const at = index ?? (name === null ? undefined : named.get(name)) ?? current.params.length + 1;
    if (name !== null && !name.startsWith("?")) named.set(name, at);
    while (current.params.length < at) current.params.push(null);
    if (name) current.params[at - 1] = name;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
      continue;
    }
    if (c === ";") {
      if (!trigger || lastWord === "END") {
        current = undefined;
        trigger = false;
        named.clear();
      }
      lastWord = "";
      i++;
      continue;
    }
    if (!current) {
      current = { words: [], params: [] };
      statements.push(current);
    }
    const word = /^[A-Za-z0-9_\u0080-\uffff$]+/.exec(sql.slice(i, i + 256))?.[0];
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let end = i + 1;
      for (;;) {
        end = sql.indexOf(close, end);
        if (end === -1 || close === "]" || sql[end + 1] !== close) break;
        end += 2; // a doubled quote is an escaped one
      }
      i = end === -1 ? sql.length : end + 1;
      lastWord = "";
    } else if (c === "?") {
      const digits = /^\d*/.exec(sql.slice(i + 1))?.[0] ?? "";
      param(digits ? `?${digits}` : null, digits ? Number(digits) : undefined);
      i += 1 + digits.length;
      lastWord = "";
    } else if ((c === ":" || c === "@" || c === "$") && /[A-Za-z0-9_\u0080-\uffff]/.test(sql[i + 1] ?? "")) {
      const name = c + (/^[A-Za-z0-9_\u0080-\uffff$]+/.exec(sql.slice(i + 1))?.[0] ?? "");
      param(name);
      i += name.length;
      lastWord = "";
    } else if (word && !/^\d/.test(word)) {
      const upper = word.toUpperCase();
      if (current.words.length < 3) current.words.push(upper);
      const [first, second, third] = current.words;
      trigger ||=
        first === "CREATE" && (second === "TRIGGER" || (/^TEMP(ORARY)?$/.test(second ?? "") && third === "TRIGGER"));
      lastWord = upper;
      i += word.length;
    } else {
      i += word?.length ?? 1;
      lastWord = "";
    }
  }
  return statements;
}

/** Whether a statement may take SQLite's write lock (conservative: unknown means yes). */
function writes(statement: ScannedStatement): boolean {
  const [first, second] = statement.words;
  if (first === "BEGIN") return second === "IMMEDIATE" || second === "EXCLUSIVE";
  return !NON_WRITING.has(first ?? "");
}

// ---- small helpers ----

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError(`Expected ${what} to be an object`);
  }
  return value as Record<string, unknown>;
}

function optionalArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ProtocolError(`Expected ${what} to be an array`);
  return value;
}

function checkCondition(condition: unknown, stepIndex: number): void {
  const cond = asObject(condition, "batch condition");
  switch (cond.type) {
    case "ok":
    case "error":
      if (typeof cond.step !== "number" || !Number.isInteger(cond.step) || cond.step < 0 || cond.step >= stepIndex) {
        throw new ProtocolError("A batch condition refers to a step that does not run before it");
      }
      return;
    case "not":
      checkCondition(cond.cond, stepIndex);
      return;
    case "and":
    case "or":
      for (const inner of optionalArray(cond.conds, "conds")) checkCondition(inner, stepIndex);
      return;
    case "is_autocommit":
      return;
    default:
      throw new ProtocolError("Unknown batch condition");
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError("body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/plain" }).end(body);
}

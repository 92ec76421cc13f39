import { setTimeout as sleep } from "node:timers/promises";
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import { DatabaseBusyError } from "../shared/errors.js";
import { isSqliteBusy } from "./errors.js";

/**
 * @internal SQLite's own busy timeout for `file:` databases: none. The embedded driver runs every
 * statement synchronously, so SQLite's busy handler sleeps on the event loop's thread: with a 5 s
 * timeout one locked write froze every request of the process for 5 s. Waiting happens in
 * {@link retryWhileBusy} instead, between attempts, with the event loop free.
 */
export const ENGINE_BUSY_TIMEOUT_MS = 0;

/** First pause between attempts, in ms; it doubles up to {@link MAX_DELAY_MS}. */
const FIRST_DELAY_MS = 2;
/** Longest pause between attempts: how late, at worst, a waiting write notices the lock is free. */
const MAX_DELAY_MS = 50;

/** Starts the read transaction (takes the read lock) of a `"read"` transaction, through `sqlite3_exec`. */
const READ_PROBE = "SELECT 1 FROM sqlite_master LIMIT 1";

/** Statements that cannot write. */
const READS = new Set(["SELECT", "VALUES", "EXPLAIN"]);
/** Statements that must not be wrapped in a transaction (or that are transaction control). */
const OUTSIDE_TRANSACTION = new Set([
  "PRAGMA",
  "VACUUM",
  "ATTACH",
  "DETACH",
  "BEGIN",
  "COMMIT",
  "END",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
]);

/** What a write transaction runs around its statements: before BEGIN IMMEDIATE, for COMMIT, on failure. */
interface WriteSteps {
  setup: string;
  finish: string;
  abort: string;
}

/** Foreign keys are libSQL's default, and re-set on every write connection in case `migrate` left them off. */
const WRITE_STEPS: WriteSteps = { setup: "PRAGMA foreign_keys = ON; ", finish: "COMMIT", abort: "ROLLBACK" };
/** What libSQL's `client.migrate` does: foreign keys off around the transaction (a no-op inside one). */
const MIGRATE_STEPS: WriteSteps = {
  setup: "PRAGMA foreign_keys = OFF; ",
  finish: "COMMIT; PRAGMA foreign_keys = ON",
  abort: "ROLLBACK; PRAGMA foreign_keys = ON",
};

/** Read transactions one client may hold at once (of libSQL's 20 connections), when reads need one. */
const READ_PERMITS = 8;

/** @internal When an operation must give up waiting: `ms` after it started. */
export interface Deadline {
  ms: number;
  until: number;
}

/** @internal A deadline `ms` from now. */
export function deadlineIn(ms: number): Deadline {
  return { ms, until: performance.now() + ms };
}

/**
 * @internal Runs `attempt` until it does not fail with `SQLITE_BUSY`, pausing (timers, so the
 * event loop keeps serving) with exponential backoff and jitter, until `deadline`; then throws a
 * {@link DatabaseBusyError}. Only for an attempt that a BUSY undoes whole, so repeating it from
 * the start can never apply anything twice.
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, deadline: Deadline): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      const remaining = deadline.until - performance.now();
      if (remaining <= 0) throw lockTimeout(error, deadline.ms);
      await sleep(Math.min(remaining, backoff(round)));
    }
  }
}

/** Permits handed out first come, first served; a waiter gives up with a DatabaseBusyError at its deadline. */
interface Gate {
  enter(deadline: Deadline): Promise<() => void>;
}

function createGate(permits: number): Gate {
  let free = permits;
  const waiting: (() => void)[] = [];
  const leave = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const once = (): (() => void) => {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter(deadline) {
      if (free > 0) {
        free--;
        return Promise.resolve(once());
      }
      return new Promise((resolve, reject) => {
        const admit = (): void => {
          clearTimeout(timer);
          resolve(once());
        };
        const timer = setTimeout(
          () => {
            waiting.splice(waiting.indexOf(admit), 1);
            reject(lockTimeout(undefined, deadline.ms));
          },
          Math.max(0, deadline.until - performance.now()),
        );
        waiting.push(admit);
      });
    },
  };
}

/**
 * @internal `client` (a `file:` client opened with {@link ENGINE_BUSY_TIMEOUT_MS}) with its waits
 * for locks moved off the event loop, and no statement ever left failed on a pooled connection.
 *
 * That second point is why writes are not simply retried: libsql (0.5) never resets a statement
 * that failed with `SQLITE_BUSY`. It stays active on its connection until garbage collection, and
 * while it does, later "successful" autocommit writes on that connection are left uncommitted
 * (then lost), its COMMITs fail ("SQL statements in progress"), and a failed read pins an old
 * snapshot. Statements run by `sqlite3_exec` (`executeMultiple`) are finalized even when they
 * fail. So every lock is taken by an `executeMultiple("…BEGIN IMMEDIATE")` on a connection held
 * through a transaction, retried until it succeeds; the statements then run holding the lock
 * (they cannot meet BUSY in WAL mode), and COMMIT is also run, and retried, through
 * `executeMultiple`.
 *
 * - The writers of this client queue in JavaScript, one at a time (as libSQL's synchronous calls
 *   used to serialize them), so they never race each other for SQLite's lock nor hold more than
 *   one pooled connection; only another process (or another client) makes them retry.
 *   `busyTimeoutMs` bounds the whole wait, queue included.
 * - A write statement (anything but SELECT/VALUES/EXPLAIN and the statements that cannot run in a
 *   transaction) and a `batch` that writes run in one such write transaction: all or nothing, as
 *   `batch` always was; a BUSY before the lock is taken means nothing has run.
 * - `transaction()` (`"write"`, and `"deferred"` too) takes the lock at BEGIN that way, before the
 *   caller runs anything, so it waits there and never fails half-way; its COMMIT is retried.
 *   `"deferred"` is upgraded because a deferred transaction meeting BUSY at its first write
 *   would leave exactly such a failed statement behind, and could never go on anyway.
 *   If a statement inside still meets BUSY (a rollback-journal database spilling its cache), the
 *   transaction is rolled back and a {@link DatabaseBusyError} thrown: the statements in it are
 *   the caller's, so only the caller can run them again.
 * - Reads run directly once the file is known to be in WAL mode (a WAL reader never waits for the
 *   writer); before that, or when WAL could not be set, in a `"read"` transaction whose read lock
 *   is taken the same way (at most {@link READ_PERMITS} at once). `transaction("read")` always does so.
 * - `migrate` (Drizzle's migrator) turns foreign keys off around its write transaction, as libSQL's
 *   own does; every other write transaction turns them back on first.
 * - `executeMultiple` and the statements that cannot run in a transaction (PRAGMA, VACUUM…) run
 *   directly, retried on BUSY but not queued; a BUSY from `executeMultiple` becomes a
 *   {@link DatabaseBusyError} at once, since its statements commit one by one and some may have run.
 */
export function withBusyRetry(client: Client, deadlineMs: number): Client {
  const writers = createGate(1);
  const readers = createGate(READ_PERMITS);
  // Known WAL: reads need no lock the writer holds, so they can skip the read transaction.
  let wal = false;

  /**
   * A transaction of `mode` whose lock `take` acquired (retried while BUSY), and the permit of
   * `gate`; on failure the permit is given back and the transaction closed.
   */
  async function open(
    gate: Gate,
    mode: "deferred" | "read",
    take: string,
    deadline: Deadline,
  ): Promise<{ tx: Transaction; leave: () => void }> {
    const leave = await gate.enter(deadline);
    try {
      const tx = await retryWhileBusy(async () => {
        const opened = await client.transaction(mode);
        try {
          await opened.executeMultiple(take);
          return opened;
        } catch (error) {
          opened.close();
          throw error;
        }
      }, deadline);
      return { tx, leave };
    } catch (error) {
      leave();
      throw error;
    }
  }

  /** A write transaction holding SQLite's lock, and the permit of this client's write queue. */
  function openWithLock(setup: string, deadline: Deadline): Promise<{ tx: Transaction; leave: () => void }> {
    // BEGIN DEFERRED takes no lock, so it cannot meet BUSY; the lock is then taken by exec.
    return open(writers, "deferred", `COMMIT; ${setup}BEGIN IMMEDIATE`, deadline);
  }

  /** A read transaction holding its read lock, and a permit of the readers' gate. */
  function openForRead(deadline: Deadline): Promise<{ tx: Transaction; leave: () => void }> {
    return open(readers, "read", READ_PROBE, deadline);
  }

  /** COMMITs (retrying: COMMIT is the one statement SQLite allows to repeat after BUSY), then hands the connection back. */
  async function commit(tx: Transaction, statements = "COMMIT"): Promise<void> {
    try {
      await retryWhileBusy(() => tx.executeMultiple(statements), deadlineIn(deadlineMs));
    } finally {
      // After a COMMIT that failed for good, this rolls back: nothing half-written.
      tx.close();
    }
  }

  async function write<T>(run: (tx: Transaction) => Promise<T>, steps: WriteSteps = WRITE_STEPS): Promise<T> {
    const { tx, leave } = await openWithLock(steps.setup, deadlineIn(deadlineMs));
    try {
      let result: T;
      try {
        result = await run(tx);
      } catch (error) {
        await tx.executeMultiple(steps.abort).catch(() => undefined);
        tx.close();
        throw asBusyError(error);
      }
      await commit(tx, steps.finish);
      return result;
    } finally {
      leave();
    }
  }

  async function read<T>(run: (tx: Transaction) => Promise<T>): Promise<T> {
    const { tx, leave } = await openForRead(deadlineIn(deadlineMs));
    try {
      return await run(tx);
    } finally {
      tx.close();
      leave();
    }
  }

  const retry = <T>(attempt: () => Promise<T>): Promise<T> => retryWhileBusy(attempt, deadlineIn(deadlineMs));

  function execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const stmt = typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    const kind = kindOf(stmt);
    if (kind === "read") return wal ? retry(() => client.execute(stmt)) : read((tx) => tx.execute(stmt));
    if (kind === "outside") return retry(() => client.execute(stmt));
    return write((tx) => tx.execute(stmt));
  }

  const wrapped: Client = {
    execute: execute as Client["execute"],
    batch: (stmts, mode) => {
      const list = stmts.map(toStatement);
      if (mode === "read" || list.every((stmt) => kindOf(stmt) === "read")) {
        return wal ? retry(() => client.batch(stmts, mode)) : read((tx) => tx.batch(list));
      }
      return write((tx) => tx.batch(list));
    },
    migrate: (stmts) => write((tx) => tx.batch(stmts), MIGRATE_STEPS),
    transaction: async (mode?: TransactionMode) => {
      if (mode === "read") {
        const { tx, leave } = await openForRead(deadlineIn(deadlineMs));
        return guard(tx, leave, () => tx.commit());
      }
      const { tx, leave } = await openWithLock(WRITE_STEPS.setup, deadlineIn(deadlineMs));
      return guard(tx, leave, () => commit(tx));
    },
    executeMultiple: (sql) => client.executeMultiple(sql).catch(rethrowBusy),
    sync: () => client.sync(),
    close: () => client.close(),
    reconnect: () => client.reconnect(),
    get closed() {
      return client.closed;
    },
    get protocol() {
      return client.protocol;
    },
  };

  // WAL is a property of the file, kept across connections. A failure (read-only media) leaves
  // SQLite in its rollback journal, where reads keep going through read transactions.
  retry(() => client.executeMultiple("PRAGMA journal_mode = WAL"))
    .catch(() => undefined)
    .then(() => read((tx) => tx.execute("PRAGMA journal_mode")))
    .then((result) => {
      wal = result.rows[0]?.journal_mode === "wal";
    })
    .catch(() => undefined);
  return wrapped;
}

/**
 * A transaction that rolls itself back on BUSY and says so with a DatabaseBusyError, whose commit
 * is `commitTx`, and that gives its queue permit back (`leave`) however it ends.
 */
function guard(tx: Transaction, leave: () => void, commitTx: () => Promise<void>): Transaction {
  async function run<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      tx.close();
      leave();
      throw new DatabaseBusyError(
        "The database is busy: a statement of this transaction could not get its lock. " +
          "The transaction was rolled back; run it again.",
        { cause: error },
      );
    }
  }
  async function end(finish: () => Promise<void>): Promise<void> {
    try {
      await finish();
    } finally {
      leave();
    }
  }
  return {
    execute: (stmt) => run(() => tx.execute(stmt)),
    batch: (stmts) => run(() => tx.batch(stmts)),
    executeMultiple: (sql) => run(() => tx.executeMultiple(sql)),
    commit: () => end(commitTx),
    rollback: () => end(() => tx.rollback()),
    close: () => {
      try {
        tx.close();
      } finally {
        leave();
      }
    },
    get closed() {
      return tx.closed;
    },
  };
}

function toStatement(stmt: InStatement | [string, InArgs?]): InStatement {
  return Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt;
}

/** Whether a statement reads only, must run outside a transaction, or (anything else) may write. */
function kindOf(stmt: InStatement): "read" | "outside" | "write" {
  const sql = typeof stmt === "string" ? stmt : stmt?.sql;
  if (typeof sql !== "string") return "write";
  const keyword = firstKeyword(sql);
  if (READS.has(keyword)) return "read";
  return OUTSIDE_TRANSACTION.has(keyword) ? "outside" : "write";
}

/** The first word of a statement, upper-cased, after whitespace, comments and opening parentheses. */
function firstKeyword(sql: string): string {
  let at = 0;
  while (at < sql.length) {
    if (/[\s(]/.test(sql[at] ?? "")) at++;
    else if (sql.startsWith("--", at)) {
      const end = sql.indexOf("\n", at);
      at = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith("/*", at)) {
      const end = sql.indexOf("*/", at + 2);
      at = end === -1 ? sql.length : end + 2;
    } else break;
  }
  return (/^[A-Za-z]+/.exec(sql.slice(at, at + 16))?.[0] ?? "").toUpperCase();
}

function asBusyError(error: unknown): unknown {
  if (!isSqliteBusy(error)) return error;
  return new DatabaseBusyError("The database is busy: a statement could not get its lock. Nothing was written.", {
    cause: error,
  });
}

function rethrowBusy(error: unknown): never {
  if (!isSqliteBusy(error)) throw error;
  throw new DatabaseBusyError("The database is busy: another connection holds its lock. Try again.", {
    cause: error,
  });
}

function lockTimeout(cause: unknown, deadlineMs: number): DatabaseBusyError {
  return new DatabaseBusyError(
    `The database is busy: another connection held its lock for more than ${deadlineMs} ms ` +
      "(busyTimeoutMs). Nothing was written; try again.",
    // Having waited that long, about as long again is a fair guess at when the lock is free.
    { cause, retryAfter: deadlineMs / 1000 },
  );
}

/** Exponential backoff with jitter, so writers that found the lock taken together do not all retry together. */
function backoff(round: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(round, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

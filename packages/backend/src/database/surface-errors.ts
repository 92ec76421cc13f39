import { findBusy } from "./errors.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The prepared-query methods that run SQL; `execute()` dispatches to one of them by name. */
const RUNNERS = ["run", "all", "get", "values"] as const;

const patched = new WeakSet<object>();

/**
 * @internal Makes every query built on `db` (query builders, relational queries, `db.run`/`all`/
 * `get`, and the same inside `db.transaction()`) reject with a {@link DatabaseBusyError} itself
 * rather than with Drizzle's `DrizzleQueryError` wrapping it, so the typed error reaches callers of
 * `/auth`, `/uploads` and the app without each of them unwrapping it. Other errors (a unique
 * constraint, a bad query) keep Drizzle's wrapper, as before.
 *
 * Drizzle 0.45 has no hook for this: its prepared queries wrap whatever the client throws. So
 * this wraps, on this `db` only (nothing global), the session's `prepareQuery` and the runner
 * methods of what it returns, and does the same for the session of each transaction. If a Drizzle
 * release changes those internals, nothing is wrapped and errors stay as Drizzle throws them
 * (`toDatabaseError` still classifies them); `test/database-busy.test.ts` fails in that case.
 */
export function surfaceDatabaseErrors<T extends object>(db: T): T {
  patchSession((db as { session?: unknown }).session);
  return db;
}

function patchSession(session: unknown): void {
  if (typeof session !== "object" || session === null || patched.has(session)) return;
  const target = session as { prepareQuery?: unknown; transaction?: unknown };
  const prepareQuery = target.prepareQuery;
  const transaction = target.transaction;
  if (typeof prepareQuery !== "function" || typeof transaction !== "function") return;
  patched.add(session);
  target.prepareQuery = function (this: unknown, ...args: unknown[]): unknown {
    return patchPreparedQuery((prepareQuery as Method).apply(this, args));
  };
  target.transaction = function (this: unknown, callback: unknown, ...rest: unknown[]): unknown {
    if (typeof callback !== "function") return (transaction as Method).call(this, callback, ...rest);
    // Drizzle gives each transaction a new session over the same client: wrap it too.
    const wrapped = (tx: { session?: unknown }, ...more: unknown[]): unknown => {
      patchSession(tx?.session);
      return (callback as Method).call(undefined, tx, ...more);
    };
    return (transaction as Method).call(this, wrapped, ...rest);
  };
}

function patchPreparedQuery(query: unknown): unknown {
  if (typeof query !== "object" || query === null || patched.has(query)) return query;
  patched.add(query);
  const target = query as Record<string, unknown>;
  for (const name of RUNNERS) {
    const runner = target[name];
    if (typeof runner !== "function") continue;
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      const result = (runner as Method).apply(this, args);
      return result instanceof Promise ? result.catch(rethrowTyped) : result;
    };
  }
  return query;
}

function rethrowTyped(error: unknown): never {
  throw findBusy(error) ?? error;
}

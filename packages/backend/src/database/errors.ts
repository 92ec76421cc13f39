import { ConflictError, DatabaseBusyError, isTetrastackError } from "../shared/errors.js";

// "UNIQUE constraint failed: users.email" for columns, "...: index 'name'" for expression indexes.
const UNIQUE = /(?:UNIQUE|PRIMARY KEY) constraint failed: (index '(\w+)'|[\w.]+(?:, [\w.]+)*)/;

/** Expression indexes of this package, which SQLite reports by name only. */
const EXPRESSION_INDEXES: Record<string, { table: string; columns: string[] }> = {
  users_email_lower_unique: { table: "users", columns: ["email"] },
};

/** How deep a cause chain is followed: Drizzle's wrapper, libSQL's error, the native one, and some slack. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Converts a unique-constraint failure from libSQL (however Drizzle wrapped it) into a
 * {@link ConflictError} naming the table and columns; returns any other error unchanged.
 */
export function toConflictError(error: unknown): unknown {
  for (const current of causeChain(error)) {
    const match = UNIQUE.exec(current.message);
    if (match) {
      const target = match[2] ? EXPRESSION_INDEXES[match[2]] : parseColumns(match[1] ?? "");
      const what = target ? `${target.table} row with that ${target.columns.join(" and ")}` : "row with those values";
      return new ConflictError(`A ${what} already exists.`, { cause: error, target });
    }
  }
  return error;
}

/**
 * True when `error` says the database was locked by another writer: a {@link DatabaseBusyError},
 * or libSQL's own `SQLITE_BUSY` (for a client you passed to `createDatabase({ client })`), however
 * Drizzle wrapped it.
 *
 * @example
 * if (isDatabaseBusy(error)) return { error: "DATABASE_BUSY" }
 */
export function isDatabaseBusy(error: unknown): boolean {
  return findBusy(error) !== undefined;
}

/**
 * The typed error behind a database failure, however Drizzle wrapped it: a
 * {@link DatabaseBusyError} (503) when the database was locked, a {@link ConflictError} (409) for a
 * unique-constraint failure; any other error unchanged.
 *
 * @example
 * catch (error) { throw toDatabaseError(error) }
 */
export function toDatabaseError(error: unknown): unknown {
  return findBusy(error) ?? toConflictError(error);
}

/**
 * Awaits a write, turning a unique-constraint failure into a {@link ConflictError} and a locked
 * database into a {@link DatabaseBusyError} (see {@link toDatabaseError}); other errors pass
 * through unchanged. Like `await`, it accepts a value that is not a promise and returns it.
 *
 * @example
 * await catchConflict(db.insert(users).values({ email })) // ConflictError if the email is taken
 */
export async function catchConflict<T>(write: PromiseLike<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw toDatabaseError(error);
  }
}

/**
 * @internal The DatabaseBusyError in `error`'s cause chain, or one made for a raw `SQLITE_BUSY`
 * found there; undefined for anything else.
 */
export function findBusy(error: unknown): DatabaseBusyError | undefined {
  for (const current of causeChain(error)) {
    if (isTetrastackError(current, "DATABASE_BUSY")) return current;
    if (isSqliteBusy(current)) {
      return new DatabaseBusyError("The database is busy: another connection holds its write lock. Try again.", {
        cause: error,
      });
    }
  }
  return undefined;
}

/**
 * @internal True for libSQL's error for a locked database: `SQLITE_BUSY` and its extended codes
 * (`SQLITE_BUSY_SNAPSHOT`, `_RECOVERY`, `_TIMEOUT`), which all share the primary code 5.
 */
export function isSqliteBusy(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, rawCode } = error as { code?: unknown; rawCode?: unknown };
  return code === "SQLITE_BUSY" || (typeof rawCode === "number" && (rawCode & 0xff) === 5);
}

/** `error` and its causes, outermost first; stops at anything that is not an Error or whose fields cannot be read. */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  try {
    while (current instanceof Error && chain.length < MAX_CAUSE_DEPTH) {
      // Reading `message` here, inside the try, so a throwing getter ends the walk instead of the caller's catch.
      if (typeof current.message !== "string") break;
      chain.push(current);
      current = current.cause;
    }
  } catch {
    // An error object with a throwing getter is not one libSQL or Drizzle makes: stop looking.
  }
  return chain;
}

function parseColumns(list: string): { table: string; columns: string[] } | undefined {
  const pairs = list.split(", ").map((item) => item.split("."));
  const table = pairs[0]?.[0];
  if (!table || pairs.some((pair) => pair.length !== 2)) return undefined;
  return { table, columns: pairs.map((pair) => pair[1] ?? "") };
}

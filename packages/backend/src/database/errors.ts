import { ConflictError, DatabaseBusyError, isTetrastackError } from "../shared/errors.js";

/** @internal The table and columns a unique constraint covers. */
export interface ConstraintTarget {
  table: string;
  columns: string[];
}

/**
 * @internal A broken constraint, whichever engine reported it: a unique (or primary-key)
 * constraint, with its table and columns when the engine's report names them, or a foreign key.
 */
export type ConstraintViolation = { kind: "unique"; target: ConstraintTarget | undefined } | { kind: "foreign-key" };

/**
 * The fields the classifier reads from one error of a cause chain, copied once (a throwing
 * getter ends the walk instead of escaping from a catch block).
 */
interface ErrorFields {
  code: unknown;
  /** libSQL: SQLite's extended result code as a number (2067 for SQLITE_CONSTRAINT_UNIQUE). */
  rawCode: unknown;
  /** libSQL: the extended code's name (`SQLITE_CONSTRAINT_UNIQUE`). */
  extendedCode: unknown;
  /** PostgreSQL: the constraint's name, `constraint_name` in postgres.js, `constraint` in pg. */
  constraint: unknown;
  message: unknown;
}

/**
 * How one engine reports a broken constraint: the violation; `null` for an error of this engine
 * that is no unique or foreign-key violation; `undefined` for an error that is not this engine's.
 * A second engine is one more reader in {@link ENGINES}.
 */
type EngineReader = (error: ErrorFields) => ConstraintViolation | null | undefined;

// "UNIQUE constraint failed: users.email" for columns, "...: index 'name'" for expression indexes.
const UNIQUE = /(?:UNIQUE|PRIMARY KEY) constraint failed: (index '(\w+)'|[\w.]+(?:, [\w.]+)*)/;
const FOREIGN_KEY = "FOREIGN KEY constraint failed";

/**
 * Unique indexes of this package that engines report by name only: SQLite for expression
 * indexes, PostgreSQL for every constraint.
 */
const NAMED_CONSTRAINTS: Record<string, ConstraintTarget> = {
  users_email_lower_unique: { table: "users", columns: ["email"] },
};

/** SQLite's extended result codes of the violations told apart, by number (libSQL's `rawCode`). */
const SQLITE_EXTENDED_CODES: Record<number, string> = {
  2067: "SQLITE_CONSTRAINT_UNIQUE",
  1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
  787: "SQLITE_CONSTRAINT_FOREIGNKEY",
};

/**
 * A five-character SQLSTATE, as PostgreSQL drivers (postgres.js, pg) put in `code`. A Node system
 * error of five characters (`EPIPE`) also matches and is read as "no constraint", which it is.
 */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * PostgreSQL: SQLSTATE `23505` (unique_violation) names the constraint, `23503` is
 * foreign_key_violation; any other SQLSTATE is PostgreSQL's error but neither.
 */
const readPostgres: EngineReader = ({ code, constraint }) => {
  if (typeof code !== "string" || !SQLSTATE.test(code)) return undefined;
  if (code === "23505") return { kind: "unique", target: namedConstraint(constraint) };
  if (code === "23503") return { kind: "foreign-key" };
  return null;
};

/**
 * libSQL/SQLite: `code` is `SQLITE_*`; the extended code (libSQL's `rawCode` or `extendedCode`,
 * or `code` itself on the native error) says which constraint, and the engine's own message
 * names the columns. A bare `SQLITE_CONSTRAINT` without an extended code (as some servers send
 * it) is told apart by that message, which is SQLite's text, not the query's.
 */
const readSqlite: EngineReader = ({ code, rawCode, extendedCode, message }) => {
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  const names = [code, extendedCode, typeof rawCode === "number" ? SQLITE_EXTENDED_CODES[rawCode] : undefined];
  const text = typeof message === "string" ? message : "";
  if (names.includes("SQLITE_CONSTRAINT_UNIQUE") || names.includes("SQLITE_CONSTRAINT_PRIMARYKEY")) {
    return { kind: "unique", target: uniqueTarget(text) };
  }
  if (names.includes("SQLITE_CONSTRAINT_FOREIGNKEY")) return { kind: "foreign-key" };
  if (code !== "SQLITE_CONSTRAINT") return null;
  const extended = typeof rawCode === "number" || typeof extendedCode === "string";
  return extended ? null : readSqliteMessage(text);
};

/** The engines a constraint failure is recognized from, by the fields their drivers set. */
const ENGINES: readonly EngineReader[] = [readSqlite, readPostgres];

/** How deep a cause chain is followed: Drizzle's wrapper, libSQL's error, the native one, and some slack. */
const MAX_CAUSE_DEPTH = 5;

/**
 * @internal Which constraint a failed write broke, however Drizzle wrapped the error, or `null`
 * for any other error. The engine's own error is found by its `code` first (libSQL's `SQLITE_*`,
 * PostgreSQL's SQLSTATE), because only its fields are the engine's: Drizzle's wrapper message
 * repeats the query's parameters, which can hold user text such as "UNIQUE constraint failed".
 * Only a chain with no such code anywhere (a client or test double throwing plain `Error`s) is
 * read by SQLite's message text, innermost error first.
 */
export function classifyConstraintError(error: unknown): ConstraintViolation | null {
  for (const fields of causeFields(error)) {
    for (const read of ENGINES) {
      const found = read(fields);
      if (found !== undefined) return found;
    }
  }
  for (const current of causeChain(error).reverse()) {
    const found = readSqliteMessage(current.message);
    if (found) return found;
  }
  return null;
}

/**
 * Converts a unique-constraint failure from libSQL (however Drizzle wrapped it) into a
 * {@link ConflictError} naming the table and columns; returns any other error unchanged.
 */
export function toConflictError(error: unknown): unknown {
  const violation = classifyConstraintError(error);
  if (violation?.kind !== "unique") return error;
  const { target } = violation;
  const what = target ? `${target.table} row with that ${target.columns.join(" and ")}` : "row with those values";
  return new ConflictError(`A ${what} already exists.`, { cause: error, target });
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

/**
 * The classifier's fields of `error` and its causes, outermost first. Unlike {@link causeChain}
 * this also reads objects that are not `Error`s, since a driver's error is recognized by its
 * fields, not its class (and may come from another realm or a copy of the driver).
 */
function causeFields(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  let current: unknown = error;
  try {
    while (typeof current === "object" && current !== null && chain.length < MAX_CAUSE_DEPTH) {
      const { code, rawCode, extendedCode, constraint_name, constraint, message, cause } = current as Record<
        string,
        unknown
      >;
      chain.push({ code, rawCode, extendedCode, constraint: constraint_name ?? constraint, message });
      current = cause;
    }
  } catch {
    // A throwing getter or proxy trap: not a driver's error, stop looking.
  }
  return chain;
}

/** SQLite's message text: a unique violation with the columns it names, a foreign key, else null. */
function readSqliteMessage(text: string): ConstraintViolation | null {
  const match = UNIQUE.exec(text);
  if (match) return { kind: "unique", target: match[2] ? namedConstraint(match[2]) : parseColumns(match[1] ?? "") };
  return text.includes(FOREIGN_KEY) ? { kind: "foreign-key" } : null;
}

/** The columns SQLite's unique-violation message names; undefined when it names none it can be read for. */
function uniqueTarget(text: string): ConstraintTarget | undefined {
  const found = readSqliteMessage(text);
  return found?.kind === "unique" ? found.target : undefined;
}

function namedConstraint(name: unknown): ConstraintTarget | undefined {
  return typeof name === "string" && Object.hasOwn(NAMED_CONSTRAINTS, name) ? NAMED_CONSTRAINTS[name] : undefined;
}

function parseColumns(list: string): ConstraintTarget | undefined {
  const pairs = list.split(", ").map((item) => item.split("."));
  const table = pairs[0]?.[0];
  if (!table || pairs.some((pair) => pair.length !== 2)) return undefined;
  return { table, columns: pairs.map((pair) => pair[1] ?? "") };
}

import { type Column, getTableColumns, SQL, sql, type Table } from "drizzle-orm";
import type { LibSQLDatabase } from "drizzle-orm/libsql";

// The one seam between the two SQL dialects the package runs on (libSQL/SQLite and PostgreSQL),
// for the code of `/auth` and `/uploads`, which builds its queries on the tables it is given and
// works the same on both through drizzle's query builders. What drizzle does not hide is here:
// how several writes become one transaction, how a prepared query is run, one JSON column, an
// equality the planner must not take from an index, and how many rows a statement touched.
// Detecting the dialect reads drizzle's entity kinds, so neither dialect's module is loaded for
// the other.

/** @internal The dialects the package runs on. */
export type DialectName = "sqlite" | "postgres";

/** @internal A query builder or a prepared query: awaiting it runs it. */
export type Statement = PromiseLike<unknown>;

/**
 * @internal A database of either dialect as the code of `/auth` and `/uploads` builds queries on
 * it: typed as libSQL's, whose builders have the same shape as PostgreSQL's for every query that
 * code writes (what differs goes through {@link Dialect}); both dialects' test suites run it.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema: the consumer's extended schema is welcome.
export type QueryDatabase = LibSQLDatabase<any>;

/** @internal A drizzle database or transaction of either dialect. */
// biome-ignore lint/suspicious/noExplicitAny: drizzle's database types differ per dialect; the code uses their shared API.
export type AnyDatabase = any;

/**
 * @internal A write a flow owes, to be sent with a later statement of the same request when there
 * is one (one round trip for both, {@link Dialect.withWrites}), or on its own with `run()`.
 */
export interface DeferredWrite {
  /** The write as a query builder on `q` (a database, a transaction or PostgreSQL's `db.with(…)`). */
  statement(q: AnyDatabase): Statement;
  /** The write on its own. */
  run(): Promise<void>;
}

/** @internal What differs between the dialects, for the queries of `/auth` and `/uploads`. */
export interface Dialect {
  readonly name: DialectName;
  /**
   * Runs the statements `build` makes, on the database or transaction it is given, as one
   * transaction and in order (libSQL: one `batch`; PostgreSQL: one transaction, since a batch of
   * builders made on the pool would run outside it). Resolves each statement's result, in order.
   */
  batch(
    db: AnyDatabase,
    build: (q: AnyDatabase) => readonly Statement[] | Promise<readonly Statement[]>,
  ): Promise<unknown[]>;
  /**
   * Runs `main` and, in the same round trip, `writes`, whose results are not needed: libSQL one
   * `batch` (the writes first, or after `main` with `order: "main-first"`); PostgreSQL ONE
   * statement, the writes as data-modifying CTEs of `main` (built on `db.with(…)`), which costs
   * no BEGIN and COMMIT round trips. In one statement no part sees another's changes (foreign
   * keys are checked at its end): only for writes to rows `main` neither reads nor writes, and no
   * two writes to the same row. Resolves `main`'s result.
   */
  withWrites<T>(
    db: AnyDatabase,
    writes: (q: AnyDatabase) => readonly Statement[],
    main: (q: AnyDatabase) => PromiseLike<T>,
    options?: { order?: "writes-first" | "main-first" },
  ): Promise<T>;
  /** Prepares `query` once; the function runs it and resolves its first row (or undefined). */
  prepareFirst<T>(query: unknown, name: string): (params?: Record<string, unknown>) => Promise<T | undefined>;
  /** Prepares `query` once; the function runs it and resolves all its rows. */
  prepareAll<T>(query: unknown, name: string): (params?: Record<string, unknown>) => Promise<T[]>;
  /**
   * Columns (or expressions, such as a nested object) as one JSON object column (keys as given);
   * {@link Dialect.parseJSONObject} reads it back.
   */
  jsonObject(entries: readonly (readonly [key: string, column: Column | SQL])[]): SQL;
  /** The value of a {@link Dialect.jsonObject} column as an object (libSQL returns text, PostgreSQL JSON). */
  parseJSONObject(value: unknown): Record<string, unknown>;
  /**
   * `column = value`, with the planner kept from answering it from an index on `column`
   * (SQLite's unary `+`); PostgreSQL needs no such hint.
   */
  unindexedEquals(column: Column, value: unknown): SQL;
  /** How many rows a DELETE or UPDATE (run without RETURNING) affected. */
  affectedRows(result: unknown): number;
  /**
   * A time as a parameter of a timestamp column's type, for raw SQL where nothing else says what
   * type a parameter is (PostgreSQL would take a lone parameter in a CASE for text).
   */
  timestamp(value: Date, column: Column): SQL;
  /**
   * `value` as a parameter of `column`'s type, for the select list of an `INSERT … SELECT`, where
   * nothing else gives a parameter its type (PostgreSQL needs the cast: `$1::uuid`).
   */
  cast(value: unknown, column: Column): SQL;
  /**
   * A statement that locks the rows `where` selects of `table` until the transaction ends
   * (PostgreSQL: `SELECT … FOR UPDATE`), so that checks later in the same batch see every
   * concurrent change to them committed; null on libSQL, where a batch that writes holds the
   * database's one write lock from its first statement and so already runs alone.
   */
  lockRows(q: AnyDatabase, table: Table, where: SQL | undefined): Statement | null;
  /**
   * Whether `value` can be an id of the package's tables (`users.id`, `sessions.id`, …): any text
   * on libSQL, only a UUID on PostgreSQL, whose `uuid` columns refuse anything else with an error
   * (22P02) where SQLite would find no row. A value that cannot be an id matches no row.
   */
  canBeId(value: string): boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ENTITY_KIND = Symbol.for("drizzle:entityKind");

/** @internal Whether `db` is a drizzle database (or transaction) whose class chain includes `kind`. */
function hasEntityKind(db: unknown, kinds: readonly string[]): boolean {
  if (typeof db !== "object" || db === null) return false;
  let type = Object.getPrototypeOf(db)?.constructor as { [ENTITY_KIND]?: unknown } | undefined;
  while (type) {
    if (kinds.includes(type[ENTITY_KIND] as string)) return true;
    type = Object.getPrototypeOf(type) as typeof type;
  }
  return false;
}

const sqlite: Dialect = {
  name: "sqlite",
  async batch(db, build) {
    const statements = await build(db);
    if (statements.length === 0) return [];
    return db.batch(statements);
  },
  async withWrites(db, writes, main, options) {
    const others = writes(db);
    if (others.length === 0) return main(db);
    if (options?.order === "main-first") return ((await db.batch([main(db), ...others])) as unknown[])[0] as never;
    const results = (await db.batch([...others, main(db)])) as unknown[];
    return results[results.length - 1] as never;
  },
  prepareFirst(query) {
    const prepared = (query as { prepare(): { get(params?: unknown): Promise<unknown> } }).prepare();
    return (params) => prepared.get(params) as never;
  },
  prepareAll(query) {
    const prepared = (query as { prepare(): { all(params?: unknown): Promise<unknown> } }).prepare();
    return (params) => prepared.all(params) as never;
  },
  jsonObject(entries) {
    return sql`json_object(${sql.join(
      entries.map(([key, column]) => sql`${sql.raw(quoteKey(key))}, ${column}`),
      sql`, `,
    )})`;
  },
  parseJSONObject(value) {
    return JSON.parse(String(value)) as Record<string, unknown>;
  },
  unindexedEquals(column, value) {
    return sql`+${column} = ${value}`;
  },
  affectedRows(result) {
    return Number((result as { rowsAffected?: unknown }).rowsAffected ?? 0);
  },
  timestamp(value, column) {
    return sql`${sql.param(value, column)}`;
  },
  cast(value, column) {
    return value === null || value === undefined ? sql`null` : sql`${sql.param(value, column)}`;
  },
  lockRows() {
    return null;
  },
  canBeId() {
    return true;
  },
};

const postgres: Dialect = {
  name: "postgres",
  async batch(db, build) {
    return db.transaction(async (tx: AnyDatabase) => {
      const results: unknown[] = [];
      for (const statement of await build(tx)) results.push(await statement);
      return results;
    });
  },
  async withWrites(db, writes, main) {
    const statements = writes(db);
    if (statements.length === 0) return main(db);
    const ctes = statements.map((statement, index) => db.$with(`tetrastack_write_${index}`).as(statement));
    return main(db.with(...ctes));
  },
  prepareFirst(query, name) {
    const prepared = (query as { prepare(name: string): { execute(params?: unknown): Promise<unknown[]> } }).prepare(
      name,
    );
    return async (params) => (await prepared.execute(params))[0] as never;
  },
  prepareAll(query, name) {
    const prepared = (query as { prepare(name: string): { execute(params?: unknown): Promise<unknown[]> } }).prepare(
      name,
    );
    return (params) => prepared.execute(params) as never;
  },
  jsonObject(entries) {
    return sql`json_build_object(${sql.join(
      entries.map(([key, column]) => sql`${sql.raw(`${quoteKey(key)}::text`)}, ${column}`),
      sql`, `,
    )})`;
  },
  parseJSONObject(value) {
    return (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
  },
  unindexedEquals(column, value) {
    return sql`${column} = ${value}`;
  },
  affectedRows(result) {
    const { count, rowCount, affectedRows } = result as { count?: unknown; rowCount?: unknown; affectedRows?: unknown };
    return Number(count ?? rowCount ?? affectedRows ?? 0);
  },
  timestamp(value, column) {
    return sql`${sql.param(value, column)}::timestamptz`;
  },
  cast(value, column) {
    const type = sql.raw(column.getSQLType());
    return value === null || value === undefined ? sql`null::${type}` : sql`${sql.param(value, column)}::${type}`;
  },
  lockRows(q, table, where) {
    const [first] = Object.values(getTableColumns(table));
    return q.select({ locked: first }).from(table).where(where).for("update");
  },
  canBeId(value) {
    return UUID.test(value);
  },
};

/** A JSON key as an SQL string literal: keys are TypeScript property names, never input. */
function quoteKey(key: string): string {
  return `'${key.replaceAll("'", "''")}'`;
}

/** @internal The dialect of a drizzle database or transaction. */
export function dialectOf(db: unknown): Dialect {
  if (hasEntityKind(db, ["PgDatabase", "PgTransaction"])) return postgres;
  return sqlite;
}

/**
 * @internal The dialect of a drizzle database the package can work on, or null: a PostgreSQL
 * database of any driver, or a SQLite database with `batch` (libSQL; the package's multi-write
 * steps are batches there).
 */
export function databaseDialect(db: unknown): DialectName | null {
  if (hasEntityKind(db, ["PgDatabase"])) return "postgres";
  if (hasEntityKind(db, ["BaseSQLiteDatabase"]) && typeof (db as { batch?: unknown }).batch === "function") {
    return "sqlite";
  }
  return null;
}

/** @internal The dialect a drizzle table was declared for (`sqliteTable` or `pgTable`), or null. */
export function tableDialect(table: unknown): DialectName | null {
  if (hasEntityKind(table, ["PgTable"])) return "postgres";
  if (hasEntityKind(table, ["SQLiteTable"])) return "sqlite";
  return null;
}

/**
 * @internal One row of a table as the source of a guarded write: `INSERT … SELECT` selects from
 * it, and `whenExists` asks for it. An audit guard's row is one (it exists only if the guard
 * inserted it), so statements built on it happen exactly when the guard did.
 */
export interface RowSource {
  table: Table;
  where: SQL | undefined;
}

/** @internal `EXISTS (SELECT 1 FROM source WHERE …)`. */
export function whenExists(source: RowSource): SQL {
  return sql`exists (select 1 from ${source.table} where ${source.where})`;
}

/**
 * @internal `INSERT INTO table SELECT <values> FROM source WHERE … LIMIT 1`: the row is inserted
 * only when `source` has a row. Values are typed parameters (`Dialect.cast`), or SQL (a column of
 * the source); a column left out gets its default.
 */
export function insertWhere(
  q: AnyDatabase,
  dialect: Dialect,
  table: Table,
  values: Record<string, unknown>,
  source: RowSource,
): Statement {
  // INSERT … SELECT takes every column of the table, in order.
  const fields: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const given = values[key];
    if (given instanceof SQL) {
      fields[key] = given;
      continue;
    }
    const value = given === undefined ? (column.defaultFn?.() ?? column.default ?? null) : given;
    fields[key] = dialect.cast(value, column);
  }
  return q.insert(table).select(q.select(fields).from(source.table).where(source.where).limit(1));
}

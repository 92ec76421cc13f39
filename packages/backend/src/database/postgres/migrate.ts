import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { invalidArgument, isOptionsObject } from "../../shared/arguments.js";
import { ConfigError } from "../../shared/errors.js";
import { clientKind, isLibsqlClient } from "../client-kind.js";
import {
  APP_MIGRATIONS_TABLE,
  appMigrations,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  PACKAGE_MIGRATIONS_TABLE,
} from "../migration-files.js";
import type { PostgresClient } from "./client.js";
import { migrations as packageMigrations } from "./migrations.generated.js";

export {
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  PACKAGE_MIGRATIONS_TABLE,
} from "../migration-files.js";

/**
 * The schema holding both migration tables: drizzle-kit's own (`drizzle.__drizzle_migrations`,
 * where `drizzle-kit migrate` looks) and the package's, kept out of `public` so that
 * `drizzle-kit push` and introspection never see them as tables of the app.
 */
const MIGRATIONS_SCHEMA = "drizzle";

/**
 * The key of the transaction-level advisory lock every `migrate` takes first (visible in
 * `pg_locks` as `classid = 0, objid = 1953719668`, `locktype = 'advisory'`): "tetr" in ASCII.
 */
const MIGRATION_LOCK_KEY = 1_953_719_668;

/** The database `migrate` works on: any made by this subpath's createDatabase. */
export type MigratableDatabase = {
  $client: PostgresClient;
  // biome-ignore lint/suspicious/noExplicitAny: any schema; only the transaction is used.
  transaction: PgDatabase<PgQueryResultHKT, any>["transaction"];
};

/**
 * Brings the database up to date with this package's schema (and, optionally, your app's
 * migrations). Idempotent; safe when several processes start at once: one transaction per call,
 * whose first statement takes a transaction-level advisory lock (`pg_advisory_xact_lock`), so a
 * second process waits at that lock, then finds nothing to apply. A failing migration rolls the
 * whole call back. Needs a client that holds a transaction: not Neon's `neon()` HTTP function.
 *
 * @example
 * await migrate(db, { migrationsFolder: "./drizzle" })
 */
export async function migrate(db: MigratableDatabase, options: MigrateOptions = {}): Promise<MigrateResult> {
  const client = isOptionsObject(db) ? (db as { $client?: unknown }).$client : undefined;
  const kind = clientKind(client);
  if (!kind || typeof (db as { transaction?: unknown }).transaction !== "function") {
    invalidArgument(
      "migrate",
      "db",
      isLibsqlClient(client)
        ? "a PostgreSQL database made by createDatabase (for libSQL, import migrate from @tetrastack/backend/database)"
        : "a database made by createDatabase",
    );
  }
  if (kind === "neon-http") {
    throw new ConfigError(
      "migrate: Neon's neon() HTTP client cannot hold the transaction and lock migrate needs. " +
        "Migrate through a database made from a Neon Pool (or a postgres:// URL), and use neon() for the app's queries.",
      { issues: [{ path: "db", message: "cannot hold a transaction (neon-http)" }] },
    );
  }
  // Read before anything is applied, so a bad folder changes nothing.
  const app = await appMigrations(options);
  return db.transaction(async (tx) => {
    // First, before even CREATE SCHEMA IF NOT EXISTS (which two sessions can race into a
    // unique-violation): whoever waits here then sees what the first one committed.
    await tx.execute(sql.raw(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`));
    await tx.execute(sql.raw(`CREATE SCHEMA IF NOT EXISTS "${MIGRATIONS_SCHEMA}"`));
    const applied = await apply(tx, PACKAGE_MIGRATIONS_TABLE, packageMigrations);
    applied.push(...(await apply(tx, APP_MIGRATIONS_TABLE, app)));
    return { applied };
  });
}

/** The migrations shipped with this package for PostgreSQL, in order. */
export function packageMigrationList(): readonly Migration[] {
  return packageMigrations;
}

type Executor = { execute: (query: ReturnType<typeof sql.raw>) => PromiseLike<unknown> };

async function apply(tx: Executor, table: string, migrations: readonly Migration[]): Promise<string[]> {
  if (migrations.length === 0) return [];
  const target = `"${MIGRATIONS_SCHEMA}"."${table}"`;
  // Same layout as drizzle-orm's PostgreSQL migrator, so either tool can read the other's records.
  await tx.execute(
    sql.raw(`CREATE TABLE IF NOT EXISTS ${target} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`),
  );
  const last = rowsOf(await tx.execute(sql.raw(`SELECT created_at FROM ${target} ORDER BY created_at DESC LIMIT 1`)));
  const lastCreatedAt = last.length > 0 ? Number(last[0]?.created_at) : Number.NEGATIVE_INFINITY;
  const pending = migrations.filter((migration) => migration.createdAt > lastCreatedAt);
  for (const migration of pending) {
    for (const statement of migration.statements) {
      if (statement.trim()) await tx.execute(sql.raw(statement));
    }
    await tx.execute(
      sql`INSERT INTO ${sql.raw(target)} ("hash", "created_at") VALUES (${migration.hash}, ${migration.createdAt})`,
    );
  }
  return pending.map((migration) => migration.tag);
}

/**
 * The rows of a raw `execute`: postgres.js returns them as an array, pg, PGlite and Neon's Pool
 * as `{ rows }`.
 */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result;
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows : [];
}

import type { Client, Transaction } from "@libsql/client";
import { invalidArgument, isOptionsObject } from "../shared/arguments.js";
import {
  APP_MIGRATIONS_TABLE,
  appMigrations,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  PACKAGE_MIGRATIONS_TABLE,
} from "./migration-files.js";
import { migrations as packageMigrations } from "./migrations.generated.js";

export {
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  PACKAGE_MIGRATIONS_TABLE,
} from "./migration-files.js";

/**
 * Brings the database up to date with this package's schema (and, optionally, your app's
 * migrations). Idempotent; safe when several processes start at once: each batch runs inside one
 * write transaction, taken before anything is read, so a second process waits and then finds
 * nothing to do. A failing migration is rolled back whole.
 *
 * @example
 * await migrate(db, { migrationsFolder: "./drizzle" })
 */
export async function migrate(db: { $client: Client }, options: MigrateOptions = {}): Promise<MigrateResult> {
  const client = isOptionsObject(db) ? (db as { $client?: unknown }).$client : undefined;
  if (!isLibsqlClient(client)) {
    invalidArgument(
      "migrate",
      "db",
      isOptionsObject(client) || typeof client === "function"
        ? "a libSQL database made by createDatabase (for PostgreSQL, import migrate from @tetrastack/backend/database/postgres)"
        : "a database made by createDatabase",
    );
  }
  // Read before anything is applied, so a bad folder changes nothing.
  const app = await appMigrations(options);
  const applied = await applyMigrations(db.$client, PACKAGE_MIGRATIONS_TABLE, packageMigrations);
  applied.push(...(await applyMigrations(db.$client, APP_MIGRATIONS_TABLE, app)));
  return { applied };
}

/** The migrations shipped with this package, in order. */
export function packageMigrationList(): readonly Migration[] {
  return packageMigrations;
}

async function applyMigrations(client: Client, table: string, migrations: readonly Migration[]): Promise<string[]> {
  if (migrations.length === 0) return [];
  const tx = await client.transaction("write");
  try {
    const pending = await pendingMigrations(tx, table, migrations);
    for (const migration of pending) {
      for (const statement of migration.statements) {
        if (statement.trim()) await tx.execute(statement);
      }
      await tx.execute({
        sql: `INSERT INTO "${table}" ("hash", "created_at") VALUES (?, ?)`,
        args: [migration.hash, migration.createdAt],
      });
    }
    await tx.commit();
    return pending.map((migration) => migration.tag);
  } finally {
    tx.close();
  }
}

async function pendingMigrations(
  tx: Transaction,
  table: string,
  migrations: readonly Migration[],
): Promise<Migration[]> {
  // Same layout as drizzle-orm's migrator, so either tool can read the other's records.
  await tx.execute(
    `CREATE TABLE IF NOT EXISTS "${table}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
  );
  const last = await tx.execute(`SELECT created_at FROM "${table}" ORDER BY created_at DESC LIMIT 1`);
  const lastCreatedAt = last.rows.length > 0 ? Number(last.rows[0]?.created_at) : Number.NEGATIVE_INFINITY;
  return migrations.filter((migration) => migration.createdAt > lastCreatedAt);
}

/** A `@libsql/client` Client (PGlite, the other client with a `transaction` method, has no `executeMultiple`). */
function isLibsqlClient(value: unknown): value is Client {
  if (!isOptionsObject(value)) return false;
  return ["execute", "batch", "transaction", "executeMultiple"].every((name) => typeof value[name] === "function");
}

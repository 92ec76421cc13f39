import type { Client, Transaction } from "@libsql/client";
import { invalidArgument, isOptionsObject } from "../shared/arguments.js";
import { ConfigError } from "../shared/errors.js";
import { migrations as packageMigrations } from "./migrations.generated.js";

/** Longest `migrationsFolder` accepted (Linux's PATH_MAX). */
const MAX_FOLDER_LENGTH = 4096;

/** One migration: the statements of one drizzle-kit SQL file and its identity. */
export interface Migration {
  /** The drizzle-kit tag, such as `0000_init`. */
  tag: string;
  /** SHA-256 of the SQL file, as drizzle-kit records it. */
  hash: string;
  /** The journal's `when`: migrations newer than the last applied one run, in this order. */
  createdAt: number;
  statements: readonly string[];
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * Also apply your app's drizzle-kit migrations from this folder (after the package's), with the
   * same lock. Tracked in drizzle-kit's own `__drizzle_migrations` table, so `drizzle-kit migrate`
   * agrees about what has run.
   */
  migrationsFolder?: string;
}

/** What {@link migrate} applied. */
export interface MigrateResult {
  /** Tags applied by this call, in order; empty when the database was already up to date. */
  applied: string[];
}

/** Where the package's own migrations are recorded, apart from the app's. */
export const PACKAGE_MIGRATIONS_TABLE = "__tetrastack_migrations";
const APP_MIGRATIONS_TABLE = "__drizzle_migrations";

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
  if (!isOptionsObject(client) || typeof client.transaction !== "function") {
    invalidArgument("migrate", "db", "a database made by createDatabase");
  }
  if (!isOptionsObject(options)) invalidArgument("migrate", "options", "an object");
  const { migrationsFolder } = options;
  if (
    migrationsFolder !== undefined &&
    (typeof migrationsFolder !== "string" || migrationsFolder.length > MAX_FOLDER_LENGTH)
  ) {
    invalidArgument("migrate", "migrationsFolder", "a folder path");
  }
  // Read before anything is applied, so a bad folder changes nothing.
  const appMigrations = migrationsFolder ? await readMigrationsFolder(migrationsFolder) : [];
  const applied = await applyMigrations(db.$client, PACKAGE_MIGRATIONS_TABLE, packageMigrations);
  applied.push(...(await applyMigrations(db.$client, APP_MIGRATIONS_TABLE, appMigrations)));
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

async function readMigrationsFolder(folder: string): Promise<Migration[]> {
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const { readFileSync } = await import("node:fs");
  try {
    const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
      entries?: { tag?: unknown }[];
    };
    return readMigrationFiles({ migrationsFolder: folder }).map((meta, index) => ({
      tag: String(journal.entries?.[index]?.tag ?? index),
      hash: meta.hash,
      createdAt: meta.folderMillis,
      statements: meta.sql,
    }));
  } catch (error) {
    // The path is the app's configuration, but is not repeated: the cause has it, for logs.
    throw new ConfigError(
      "migrate: cannot read migrationsFolder: it must hold drizzle-kit's meta/_journal.json and SQL files.",
      { cause: error, issues: [{ path: "migrationsFolder", message: "cannot be read" }] },
    );
  }
}

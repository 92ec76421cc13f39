import { invalidArgument, isOptionsObject } from "../shared/arguments.js";
import { ConfigError } from "../shared/errors.js";

// What both dialects' migrators share: the shape of a migration, the options and result of
// `migrate`, and reading an app's drizzle-kit folder (the same files for either dialect).

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

/** Options of `migrate`. */
export interface MigrateOptions {
  /**
   * Also apply your app's drizzle-kit migrations from this folder (after the package's), with the
   * same lock. Tracked in drizzle-kit's own `__drizzle_migrations` table, so `drizzle-kit migrate`
   * agrees about what has run.
   */
  migrationsFolder?: string;
}

/** What `migrate` applied. */
export interface MigrateResult {
  /** Tags applied by this call, in order; empty when the database was already up to date. */
  applied: string[];
}

/** Where the package's own migrations are recorded, apart from the app's. */
export const PACKAGE_MIGRATIONS_TABLE = "__tetrastack_migrations";
/** @internal drizzle-kit's table for the app's migrations. */
export const APP_MIGRATIONS_TABLE = "__drizzle_migrations";

/** @internal Checks `migrate`'s options; the folder's migrations, read before anything is applied. */
export async function appMigrations(options: unknown): Promise<Migration[]> {
  if (!isOptionsObject(options)) invalidArgument("migrate", "options", "an object");
  const { migrationsFolder } = options;
  if (
    migrationsFolder !== undefined &&
    (typeof migrationsFolder !== "string" || migrationsFolder.length > MAX_FOLDER_LENGTH)
  ) {
    invalidArgument("migrate", "migrationsFolder", "a folder path");
  }
  return migrationsFolder ? readMigrationsFolder(migrationsFolder) : [];
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

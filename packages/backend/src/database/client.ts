import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as z from "zod";
import { ConfigError } from "../shared/errors.js";
import { parseOptions } from "../shared/validate.js";
import * as packageSchema from "./schema.js";

/** The schema of this package: every table and relation, ready for `createDatabase({ schema })`. */
export const schema = packageSchema;

/** The Drizzle database this package works with, typed by its schema. */
export type Database<TSchema extends Record<string, unknown> = typeof schema> = LibSQLDatabase<TSchema> & {
  $client: Client;
};

/** The local file used when no URL is given. */
export const DEFAULT_DATABASE_URL = "file:local.db";

/** Validation of {@link createDatabase}'s connection options. */
export const databaseOptionsSchema = z.object({
  url: z
    .string()
    .trim()
    .refine((url) => /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/|:memory:$)/.test(url), {
      message: "must start with file:, libsql://, http(s):// or ws(s)://",
    })
    .default(DEFAULT_DATABASE_URL),
  authToken: z.string().min(1).optional(),
  busyTimeoutMs: z.number().int().min(0).max(600_000).default(5_000),
});

/** Options of {@link createDatabase}. */
export type DatabaseOptions<TSchema extends Record<string, unknown> = typeof schema> = (
  | {
      /**
       * `file:path.db` (embedded, no server), `libsql://…` (Turso) or `http(s)://…` (sqld).
       * @default "file:local.db"
       */
      url?: string;
      /** Token for remote libSQL servers; never needed for files. */
      authToken?: string;
      /**
       * How long a write waits for another writer's lock before failing, for file databases.
       * @default 5000
       */
      busyTimeoutMs?: number;
      client?: never;
    }
  | {
      /** An existing `@libsql/client` client; this package then configures nothing on it. */
      client: Client;
      url?: never;
      authToken?: never;
      busyTimeoutMs?: never;
    }
) & {
  /**
   * The schema for relational queries: this package's `schema`, spread with your own tables.
   * @default schema
   */
  schema?: TSchema;
};

/**
 * A typed Drizzle client over `@libsql/client`. Nothing is written on creation except, for a
 * `file:` database, switching it to WAL so readers never wait for a writer.
 *
 * @example
 * const db = createDatabase({ url: process.env.DATABASE_URL, schema: { ...schema, ...appSchema } })
 * await migrate(db)
 */
export function createDatabase<TSchema extends Record<string, unknown> = typeof schema>(
  options: DatabaseOptions<TSchema> = {},
): Database<TSchema> {
  const tables = (options.schema ?? schema) as TSchema;
  if (options.client) return drizzle(options.client, { schema: tables });

  const { url, authToken, busyTimeoutMs } = parseOptions(
    databaseOptionsSchema,
    {
      url: options.url || undefined,
      authToken: options.authToken || undefined,
      busyTimeoutMs: options.busyTimeoutMs,
    },
    "createDatabase",
  );
  let client: Client;
  try {
    client = createClient({ url, authToken, timeout: busyTimeoutMs });
  } catch (error) {
    // The libSQL message can echo the URL; the URL may carry a token, so it is not repeated.
    throw new ConfigError(`createDatabase: cannot open the database (${describeUrl(url)}).`, { cause: error });
  }
  if (isFileUrl(url)) {
    // WAL is a property of the file, kept across connections; a failure (read-only media) only
    // leaves SQLite in its default journal mode, so it is not fatal.
    client.execute("PRAGMA journal_mode = WAL").catch(() => undefined);
  }
  return drizzle(client, { schema: tables });
}

/** @internal */
export function isFileUrl(url: string): boolean {
  return url.startsWith("file:");
}

function describeUrl(url: string): string {
  const scheme = url.split(":", 1)[0];
  return isFileUrl(url) ? (url.split("?", 1)[0] ?? url) : `${scheme}: URL`;
}

import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as z from "zod";
import { ConfigError } from "../shared/errors.js";
import { parseOptions } from "../shared/validate.js";
import { ENGINE_BUSY_TIMEOUT_MS, withBusyRetry } from "./busy.js";
import { clientKind } from "./client-kind.js";
import * as packageSchema from "./schema.js";
import { surfaceDatabaseErrors } from "./surface-errors.js";

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
    .superRefine((url, ctx) => {
      if (/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/|:memory:$)/.test(url)) return;
      const message = /^postgres(ql)?:/i.test(url)
        ? "is a PostgreSQL URL: import createDatabase from @tetrastack/backend/database/postgres for it"
        : "must start with file:, libsql://, http(s):// or ws(s)://";
      ctx.addIssue({ code: "custom", message });
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
       * For `file:` databases, how long in all a statement, batch or transaction BEGIN waits for
       * another writer's lock (retrying without blocking the event loop) before it rejects with a
       * `DatabaseBusyError`. `0`: fail at the first attempt. Not used for remote URLs
       * (`libsql://`, `http(s)://`, `ws(s)://`): the server waits for its own locks.
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
 * For a `file:` database, a statement or batch that finds the write lock taken waits for it
 * without blocking the event loop (retrying with backoff for up to `busyTimeoutMs`), then rejects
 * with a {@link DatabaseBusyError}; nothing of it is written. A remote URL gets none of this (no
 * PRAGMA, no busy timeout, no retry): the client goes to the server as `@libsql/client` made it.
 *
 * @example
 * const db = createDatabase({ url: process.env.DATABASE_URL, schema: { ...schema, ...appSchema } })
 * await migrate(db)
 */
export function createDatabase<TSchema extends Record<string, unknown> = typeof schema>(
  options: DatabaseOptions<TSchema> = {},
): Database<TSchema> {
  if (!isRecord(options)) throw optionError("options must be an object", "");
  const tables = options.schema ?? schema;
  if (!isRecord(tables)) throw optionError("must be an object of tables and relations", "schema");
  if (options.client !== undefined) {
    if (!isClient(options.client)) {
      const postgres = clientKind(options.client) !== undefined;
      throw optionError(
        postgres
          ? "is a PostgreSQL client: import createDatabase from @tetrastack/backend/database/postgres for it"
          : "must be an @libsql/client Client",
        "client",
      );
    }
    const extra = (["url", "authToken", "busyTimeoutMs"] as const).find((key) => options[key] !== undefined);
    if (extra) throw optionError("pass either client or url/authToken/busyTimeoutMs, not both", extra);
    return build(options.client, tables as TSchema);
  }

  const { url, authToken, busyTimeoutMs } = parseOptions(
    databaseOptionsSchema,
    {
      // An empty string is what an unset environment variable often gives: the same as no value.
      url: options.url === "" ? undefined : options.url,
      authToken: options.authToken === "" ? undefined : options.authToken,
      busyTimeoutMs: options.busyTimeoutMs,
    },
    "createDatabase",
  );
  // In-memory databases have one connection and no other process: nothing can hold their lock.
  const file = isFileUrl(url) && !isInMemoryUrl(url);
  // A server's locks, journal and busy handling are its own: nothing file-only is set for it.
  const remote = isRemoteUrl(url);
  let opened: Client;
  try {
    const timeout = remote ? undefined : file ? ENGINE_BUSY_TIMEOUT_MS : busyTimeoutMs;
    opened = createClient({ url, authToken, ...(timeout === undefined ? {} : { timeout }) });
  } catch (error) {
    // The libSQL message can echo the URL; the URL may carry a token, so it is not repeated.
    throw new ConfigError(`createDatabase: cannot open the database (a ${describeScheme(url)} URL).`, {
      cause: error,
    });
  }
  // Also switches the file to WAL, so readers never wait for a writer.
  const client = file ? withBusyRetry(opened, busyTimeoutMs) : opened;
  return build(client, tables as TSchema);
}

function build<TSchema extends Record<string, unknown>>(client: Client, tables: TSchema): Database<TSchema> {
  let db: Database<TSchema>;
  try {
    // The `{ client }` form: Drizzle would take a bare object for a config if it looked like one.
    db = drizzle({ client, schema: tables });
  } catch (error) {
    throw new ConfigError("createDatabase: schema is not a valid Drizzle schema (tables and relations).", {
      cause: error,
      issues: [{ path: "schema", message: "is not a valid Drizzle schema" }],
    });
  }
  return surfaceDatabaseErrors(db);
}

/** @internal */
export function isFileUrl(url: string): boolean {
  return url.startsWith("file:");
}

/** `libsql://` (Turso, sqld), `http(s)://` (Hrana over HTTP), `ws(s)://` (Hrana over WebSocket). */
function isRemoteUrl(url: string): boolean {
  return /^(libsql|https?|wss?):\/\//i.test(url);
}

function isInMemoryUrl(url: string): boolean {
  return url.startsWith("file::memory:") || /[?&]mode=memory(?:&|$)/.test(url);
}

function describeScheme(url: string): string {
  return `${url.split(":", 1)[0]}:`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isClient(value: unknown): value is Client {
  if (typeof value !== "object" || value === null) return false;
  const client = value as Partial<Record<keyof Client, unknown>>;
  return (
    typeof client.execute === "function" &&
    typeof client.batch === "function" &&
    typeof client.transaction === "function"
  );
}

function optionError(message: string, path: string): ConfigError {
  return new ConfigError(`createDatabase: ${path ? `${path}: ` : ""}${message}.`, { issues: [{ path, message }] });
}

import type { PGlite } from "@electric-sql/pglite";
import type { Client as NeonClient, Pool as NeonPool, NeonQueryFunction } from "@neondatabase/serverless";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Client as PgClient, Pool as PgPool, PoolClient as PgPoolClient } from "pg";
import type { Sql } from "postgres";
import * as z from "zod";
import { ConfigError } from "../../shared/errors.js";
import { parseOptions } from "../../shared/validate.js";
import { type ClientKind, clientKind, isLibsqlClient } from "../client-kind.js";
import * as packageSchema from "./schema.js";

// The one module of the PostgreSQL dialect that loads a driver. Every driver is an optional peer
// dependency, so each is imported only when a database of its kind is created (a static import
// would make every app install all five). The imports are also hidden from bundlers
// (`webpackIgnore`, which Turbopack honours too): a Next.js server bundle would otherwise try to
// resolve all five drivers at build time and fail on the ones the app did not install; Node then
// loads the one in use from node_modules at run time.

/** The schema of this package: every table and relation, ready for `createDatabase({ schema })`. */
export const schema = packageSchema;

/**
 * The PostgreSQL clients {@link createDatabase} accepts: a postgres.js `Sql`, a `pg` `Pool`,
 * `Client` or `PoolClient`, a PGlite instance, a Neon serverless `Pool` or `Client`, or Neon's
 * `neon()` HTTP query function.
 */
export type PostgresClient =
  | Sql
  | PgPool
  | PgClient
  | PgPoolClient
  | PGlite
  | NeonPool
  | NeonClient
  // biome-ignore lint/suspicious/noExplicitAny: neon() is generic over its result modes; any of them is accepted.
  | NeonQueryFunction<any, any>;

/** The Drizzle database this package works with on PostgreSQL, typed by its schema and its client. */
export type Database<
  TSchema extends Record<string, unknown> = typeof schema,
  TClient extends PostgresClient = PostgresClient,
> = PgDatabase<PgQueryResultHKT, TSchema> & { $client: TClient };

/** Validation of {@link createDatabase}'s connection options. */
export const databaseOptionsSchema = z.object({
  url: z
    .string({ message: "is required: a postgres:// or postgresql:// URL" })
    .trim()
    .superRefine((url, ctx) => {
      if (isPostgresUrl(url)) return;
      const message = /^(file:|libsql:|https?:|wss?:|:memory:)/i.test(url)
        ? "is a libSQL/SQLite URL: import createDatabase from @tetrastack/backend/database for it"
        : "must be a postgres:// or postgresql:// URL";
      ctx.addIssue({ code: "custom", message });
    }),
  maxConnections: z.number().int().min(1).max(1_000).default(10),
  connectTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
});

/** Options of {@link createDatabase}. */
export type DatabaseOptions<
  TSchema extends Record<string, unknown> = typeof schema,
  TClient extends PostgresClient = PgPool,
> = (
  | {
      /**
       * `postgres://user:password@host:5432/database` or `postgresql://…`, with any libpq
       * parameters (`?sslmode=require`…). Opens a `pg` Pool.
       */
      url: string;
      /**
       * Connections the pool may open at once.
       * @default 10
       */
      maxConnections?: number;
      /**
       * How long opening a connection may take before the query fails (`0`: wait forever).
       * @default 10000
       */
      connectTimeoutMs?: number;
      client?: never;
    }
  | {
      /**
       * A client your app already has (see {@link PostgresClient}); its driver is recognised by its
       * shape and this package configures nothing on it.
       */
      client: TClient;
      url?: never;
      maxConnections?: never;
      connectTimeoutMs?: never;
    }
) & {
  /**
   * The schema for relational queries: this package's `schema`, spread with your own tables.
   * @default schema
   */
  schema?: TSchema;
};

/**
 * A typed Drizzle database on PostgreSQL. Connects lazily and writes nothing. With `url`, opens a
 * `pg` Pool (the faster of the two drivers measured for this package's writes and concurrent
 * reads); with `client`, wraps the client you pass through Drizzle's driver for it. Asynchronous
 * because that driver is loaded on first use (drivers are optional peer dependencies).
 *
 * @example
 * const db = await createDatabase({ url: process.env.DATABASE_URL, schema: { ...schema, ...appSchema } })
 * await migrate(db)
 */
export async function createDatabase<
  TSchema extends Record<string, unknown> = typeof schema,
  TClient extends PostgresClient = PgPool,
>(options: DatabaseOptions<TSchema, TClient>): Promise<Database<TSchema, TClient>> {
  if (!isRecord(options)) throw optionError("options must be an object", "");
  const tables = options.schema ?? schema;
  if (!isRecord(tables)) throw optionError("must be an object of tables and relations", "schema");
  if (options.client !== undefined) {
    const kind = clientKind(options.client);
    if (!kind) {
      throw optionError(
        isLibsqlClient(options.client)
          ? "is a libSQL client: import createDatabase from @tetrastack/backend/database for it"
          : "must be a postgres.js Sql, a pg Pool or Client, a PGlite instance or a Neon serverless client",
        "client",
      );
    }
    const extra = (["url", "maxConnections", "connectTimeoutMs"] as const).find((key) => options[key] !== undefined);
    if (extra) throw optionError("pass either client or url/maxConnections/connectTimeoutMs, not both", extra);
    return wrap(kind, options.client, tables as TSchema) as Promise<Database<TSchema, TClient>>;
  }

  const { url, maxConnections, connectTimeoutMs } = parseOptions(
    databaseOptionsSchema,
    {
      // An empty string is what an unset environment variable often gives: the same as no value.
      url: options.url === "" ? undefined : options.url,
      maxConnections: options.maxConnections,
      connectTimeoutMs: options.connectTimeoutMs,
    },
    "createDatabase",
  );
  const { default: pg } = await loadDriver("pg", () => import(/* webpackIgnore: true */ /* @vite-ignore */ "pg"));
  let pool: PgPool;
  try {
    pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: connectTimeoutMs });
  } catch (error) {
    // pg's message can echo the URL, and the URL may carry a password: it is not repeated.
    throw new ConfigError("createDatabase: cannot use the url (a postgres: URL pg cannot parse).", {
      cause: error,
      issues: [{ path: "url", message: "cannot be parsed" }],
    });
  }
  // An idle pooled connection that the server closes (a restart, a failover, Neon scaling to zero)
  // is reported as an "error" event on the pool; unheard, that event would end the process. pg has
  // already dropped the connection, and the next query opens a new one, so there is nothing to do.
  pool.on("error", () => undefined);
  return wrap("node-postgres", pool, tables as TSchema) as Promise<Database<TSchema, TClient>>;
}

async function wrap<TSchema extends Record<string, unknown>>(
  kind: ClientKind,
  client: unknown,
  tables: TSchema,
): Promise<Database<TSchema, PostgresClient>> {
  const config = { client, schema: tables } as never;
  const drizzle = await driverFor(kind);
  try {
    return drizzle(config) as Database<TSchema, PostgresClient>;
  } catch (error) {
    throw new ConfigError("createDatabase: schema is not a valid Drizzle schema (tables and relations).", {
      cause: error,
      issues: [{ path: "schema", message: "is not a valid Drizzle schema" }],
    });
  }
}

/** Drizzle's driver module for `kind`; each imports its driver package, hence one at a time. */
async function driverFor(kind: ClientKind): Promise<(config: never) => unknown> {
  switch (kind) {
    case "postgres-js":
      return (
        await loadDriver(
          "postgres",
          () => import(/* webpackIgnore: true */ /* @vite-ignore */ "drizzle-orm/postgres-js"),
        )
      ).drizzle;
    case "node-postgres":
      return (
        await loadDriver("pg", () => import(/* webpackIgnore: true */ /* @vite-ignore */ "drizzle-orm/node-postgres"))
      ).drizzle;
    case "pglite":
      return (
        await loadDriver(
          "@electric-sql/pglite",
          () => import(/* webpackIgnore: true */ /* @vite-ignore */ "drizzle-orm/pglite"),
        )
      ).drizzle;
    case "neon-serverless":
      return (
        await loadDriver(
          "@neondatabase/serverless",
          () => import(/* webpackIgnore: true */ /* @vite-ignore */ "drizzle-orm/neon-serverless"),
        )
      ).drizzle;
    case "neon-http":
      return (
        await loadDriver(
          "@neondatabase/serverless",
          () => import(/* webpackIgnore: true */ /* @vite-ignore */ "drizzle-orm/neon-http"),
        )
      ).drizzle;
  }
}

async function loadDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new ConfigError(
      `createDatabase: this database needs the ${name} package (and drizzle-orm): install it beside @tetrastack/backend.`,
      { cause: error, issues: [{ path: "", message: `needs ${name}` }] },
    );
  }
}

/** @internal */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url) && URL.canParse(url);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionError(message: string, path: string): ConfigError {
  return new ConfigError(`createDatabase: ${path ? `${path}: ` : ""}${message}.`, { issues: [{ path, message }] });
}

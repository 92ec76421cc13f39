import { join } from "node:path";
import * as libsql from "@tetrastack/backend/database";
import * as postgres from "@tetrastack/backend/database/postgres";
import * as appSchema from "./schema";
import * as appPostgresSchema from "./schema.postgres";

// The engine comes from DATABASE_URL's scheme: postgres:// or postgresql:// → PostgreSQL (the
// package's PostgreSQL schema, ./schema.postgres.ts and drizzle/postgres); anything else, or no
// URL at all, → libSQL (a file:local.db by default, ./schema.ts and drizzle). The rest of the app
// is the same on both: it imports `db` and the tables below, never a dialect's module.

const url = process.env.DATABASE_URL;

/** Which engine DATABASE_URL names. */
export const engine: "postgres" | "libsql" = url && /^postgres(?:ql)?:\/\//i.test(url) ? "postgres" : "libsql";

const migrationsFolder = join(process.cwd(), engine === "postgres" ? "drizzle/postgres" : "drizzle");

function openLibsql() {
  return libsql.createDatabase({
    url,
    authToken: process.env.DATABASE_AUTH_TOKEN,
    schema: { ...libsql.schema, ...appSchema },
  });
}

/**
 * One client per server process, typed with the package's schema and the app's own tables. Typed
 * as the libSQL database whichever the engine: the queries the app writes (drizzle's query
 * builders and `db.query`) have the same shape on both, as the package's own code relies on.
 */
export const db: ReturnType<typeof openLibsql> =
  engine === "postgres"
    ? ((await postgres.createDatabase({
        url: url as string,
        schema: { ...postgres.schema, ...appPostgresSchema },
      })) as unknown as ReturnType<typeof openLibsql>)
    : openLibsql();

/** The app's `notes` table of the engine in use (the PostgreSQL twin has the same property names). */
export const notes = (engine === "postgres" ? appPostgresSchema.notes : appSchema.notes) as typeof appSchema.notes;

/** The app's `projects` table (owned by an organization) of the engine in use. */
export const projects = (
  engine === "postgres" ? appPostgresSchema.projects : appSchema.projects
) as typeof appSchema.projects;

/** The package's `users` table of the engine in use. */
export const users = (engine === "postgres" ? postgres.users : libsql.users) as typeof libsql.users;

let ready: Promise<unknown> | undefined;

/** Applies the package's migrations and then the app's (drizzle or drizzle/postgres), once per process. */
export function migrateOnce(): Promise<unknown> {
  ready ??=
    engine === "postgres"
      ? postgres.migrate(db as unknown as postgres.Database, { migrationsFolder })
      : libsql.migrate(db, { migrationsFolder });
  return ready;
}

/** GET /api/health: the database answers, and the package's and the app's last migrations are applied. */
export const health =
  engine === "postgres"
    ? postgres.createHealthHandler({ db: db as unknown as postgres.Database, migrationsFolder })
    : libsql.createHealthHandler({ db, migrationsFolder });

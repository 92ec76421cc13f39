import { sql } from "drizzle-orm";
import * as z from "zod";
import { version as packageVersion } from "../../package.json";
import { ConfigError, isTetrastackError } from "../shared/errors.js";
import { parseOptions } from "../shared/validate.js";
import { type DialectName, databaseDialect } from "./dialect.js";
import { APP_MIGRATIONS_TABLE, appMigrations, type Migration, PACKAGE_MIGRATIONS_TABLE } from "./migration-files.js";

// The health route of both dialects: one query answers "is the database reachable?" and "which
// migrations has it recorded?" together, so polling every few seconds costs one round trip. The
// dialect's subpath supplies its migrations and where migrate() records them.

/** Why a health check failed: stable, safe to show to anyone (no URL, host or driver message). */
export type HealthReason = "DATABASE_UNREACHABLE" | "DATABASE_TIMEOUT" | "NOT_MIGRATED";

/** The JSON body of a health response. */
export interface HealthReport {
  /** `ok` with status 200; `error` with status 503 and a {@link HealthReason}. */
  status: "ok" | "error";
  /** Set when `status` is `error`. */
  reason?: HealthReason;
  /** The version of `@tetrastack/backend` serving the request. */
  version: string;
  /**
   * The last of this package's migrations the database has recorded (its tag, such as
   * `0003_rate_limits`; the hash when this version does not know it), or null when none.
   */
  migration: string | null;
  /**
   * The last of the app's migrations recorded, by tag (or hash), when `migrationsFolder` was
   * given; absent otherwise.
   */
  appMigration?: string | null;
}

/** Options of `createHealthHandler`. */
export interface HealthHandlerOptions<TDatabase = unknown> {
  /** The database to check, made by this subpath's `createDatabase`. */
  db: TDatabase;
  /**
   * Your app's drizzle-kit migrations folder, as passed to `migrate`: the check then also
   * requires its last migration to be applied, and reports it as `appMigration`.
   */
  migrationsFolder?: string;
  /**
   * How long the query may take before the check answers 503 `DATABASE_TIMEOUT`. The query is not
   * abandoned: later checks wait for that same query rather than piling more onto a stuck database.
   * @default 3000
   */
  timeoutMs?: number;
  /**
   * Called with the error behind a 503 (`NOT_MIGRATED` from a missing table included), for your
   * logs; its text may hold a host name or user, which is why the response never has it.
   */
  onError?: (error: unknown, reason: HealthReason) => void;
}

/** A Next.js route handler: `export const { GET } = createHealthHandler({ db })` in `app/api/health/route.ts`. */
export interface HealthHandler {
  /** Runs the check: 200 with a {@link HealthReport}, or 503 with its `reason`. Never cached. */
  GET(request?: Request): Promise<Response>;
  /** The same check as a value, for a script or a readiness probe of your own. */
  check(): Promise<HealthReport>;
}

/** Validation of `createHealthHandler`'s options. */
export const healthHandlerOptionsSchema = z.object({
  db: z.custom<object>(
    (value) => databaseDialect(value) !== null,
    "must be a Drizzle database: createDatabase() from @tetrastack/backend/database (libSQL) or @tetrastack/backend/database/postgres",
  ),
  migrationsFolder: z.string().min(1).max(4096).optional(),
  timeoutMs: z.int().min(1).max(60_000).default(3_000),
  onError: z.custom<(error: unknown, reason: HealthReason) => void>((value) => typeof value === "function").optional(),
});

/** @internal What a dialect's subpath tells {@link healthHandler}. */
export interface HealthDialect {
  name: DialectName;
  /** The package's migrations for this dialect, in order. */
  migrations: readonly Migration[];
  /** A migrations table as SQL (`"t"`, or `"drizzle"."t"` on PostgreSQL). */
  table(name: string): string;
}

interface Recorded {
  source: string;
  hash: string;
  createdAt: number;
}

/** @internal The health handler over `dialect`, from validated options. */
export function healthHandler(input: unknown, dialect: HealthDialect, factory: string): HealthHandler {
  const options = parseOptions(healthHandlerOptionsSchema, input, factory);
  const { db, timeoutMs, onError } = options;
  if (databaseDialect(db) !== dialect.name) {
    const message = wrongDialect(dialect.name);
    throw new ConfigError(`${factory}: invalid options: db: ${message}`, { issues: [{ path: "db", message }] });
  }
  // The app's folder is read once, on the first check; a folder that cannot be read is a
  // configuration error, reported (as NOT_MIGRATED) on every check rather than thrown at import.
  let appList: Promise<readonly Migration[]> | undefined;
  let inFlight: Promise<HealthReport> | undefined;

  async function query(): Promise<HealthReport> {
    let app: readonly Migration[] | undefined;
    if (options.migrationsFolder) {
      appList ??= appMigrations({ migrationsFolder: options.migrationsFolder });
      app = await appList;
    }
    const latest = (table: string, source: string): string =>
      `SELECT * FROM (SELECT '${source}' AS source, hash, created_at FROM ${dialect.table(table)} ORDER BY created_at DESC LIMIT 1) AS ${source}`;
    const parts = [latest(PACKAGE_MIGRATIONS_TABLE, "package")];
    if (app && app.length > 0) parts.push(latest(APP_MIGRATIONS_TABLE, "app"));
    const rows = await runQuery(db, dialect.name, parts.join(" UNION ALL "));
    const recorded = (source: string): Recorded | undefined => rows.find((row) => row.source === source);
    const pkg = recorded("package");
    const appRow = recorded("app");
    const report: HealthReport = {
      status: "ok",
      version: packageVersion,
      migration: describe(pkg, dialect.migrations),
    };
    if (app) report.appMigration = describe(appRow, app);
    if (behind(pkg, dialect.migrations) || (app && behind(appRow, app))) {
      return { ...report, status: "error", reason: "NOT_MIGRATED" };
    }
    return report;
  }

  async function check(): Promise<HealthReport> {
    // One query at a time, shared by every check that arrives while it runs.
    inFlight ??= query().finally(() => {
      inFlight = undefined;
    });
    const running = inFlight;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
      timer.unref?.();
    });
    try {
      const result = await Promise.race([running, timeout]);
      if (result === "timeout")
        return failure("DATABASE_TIMEOUT", new Error(`health check: no answer in ${timeoutMs} ms`));
      return result;
    } catch (error) {
      // An unreadable migrationsFolder (CONFIG_INVALID) leaves the app's migrations unconfirmed.
      const unconfirmed = isMissingTable(error) || isTetrastackError(error, "CONFIG_INVALID");
      return failure(unconfirmed ? "NOT_MIGRATED" : "DATABASE_UNREACHABLE", error);
    } finally {
      clearTimeout(timer);
    }
  }

  function failure(reason: HealthReason, error: unknown): HealthReport {
    try {
      onError?.(error, reason);
    } catch {
      // A failing logger must not turn a 503 into a 500.
    }
    return { status: "error", reason, version: packageVersion, migration: null };
  }

  return {
    check,
    async GET() {
      const report = await check();
      return Response.json(report, {
        status: report.status === "ok" ? 200 : 503,
        headers: { "Cache-Control": "no-store" },
      });
    },
  };
}

/** The tag of a recorded migration (matched by its hash), else its hash; null when none. */
function describe(row: Recorded | undefined, known: readonly Migration[]): string | null {
  if (!row) return null;
  return known.find((migration) => migration.hash === row.hash)?.tag ?? row.hash;
}

/** Whether the last of `known` is newer than what the database recorded (migrate() compares `created_at` too). */
function behind(row: Recorded | undefined, known: readonly Migration[]): boolean {
  const last = known.at(-1);
  if (!last) return false;
  return !row || row.createdAt < last.createdAt;
}

async function runQuery(db: object, dialect: DialectName, text: string): Promise<Recorded[]> {
  const query = sql.raw(text);
  const result =
    dialect === "sqlite"
      ? await (db as { all(query: unknown): Promise<unknown> }).all(query)
      : await (db as { execute(query: unknown): Promise<unknown> }).execute(query);
  // postgres.js returns the rows as an array, pg, PGlite and Neon as `{ rows }`.
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown } | null)?.rows ?? []);
  return (rows as Record<string, unknown>[]).map((row) => ({
    source: String(row.source),
    hash: String(row.hash),
    createdAt: Number(row.created_at),
  }));
}

/** SQLite's `no such table`, PostgreSQL's 42P01 (undefined table), anywhere in the cause chain. */
function isMissingTable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === "42P01" || code === "3F000") return true;
    if (typeof message === "string" && /no such table/i.test(message)) return true;
    current = cause;
  }
  return false;
}

function wrongDialect(dialect: DialectName): string {
  return dialect === "sqlite"
    ? "is a PostgreSQL database: import createHealthHandler from @tetrastack/backend/database/postgres for it"
    : "is a libSQL database: import createHealthHandler from @tetrastack/backend/database for it";
}

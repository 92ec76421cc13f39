import { type HealthHandler, type HealthHandlerOptions, healthHandler } from "../health.js";
import type { MigratableDatabase } from "./migrate.js";
import { migrations } from "./migrations.generated.js";

export {
  type HealthHandler,
  type HealthHandlerOptions,
  type HealthReason,
  type HealthReport,
  healthHandlerOptionsSchema,
} from "../health.js";

/**
 * A health route for a PostgreSQL database: one query checks that the database answers and
 * reads the last migration `migrate` recorded (`drizzle.__tetrastack_migrations`, and the app's
 * `drizzle.__drizzle_migrations` with `migrationsFolder`). 200 with the migration and the package
 * version; 503 with a stable `reason` (`DATABASE_UNREACHABLE`, `DATABASE_TIMEOUT`,
 * `NOT_MIGRATED`) and never the URL, the password or the driver's message. `Cache-Control: no-store`.
 *
 * @example
 * // app/api/health/route.ts
 * export const { GET } = createHealthHandler({ db, migrationsFolder: "./drizzle/postgres" })
 */
export function createHealthHandler(options: HealthHandlerOptions<Pick<MigratableDatabase, "$client">>): HealthHandler {
  // The schema migrate() keeps both tables in (see MIGRATIONS_SCHEMA there).
  return healthHandler(
    options,
    { name: "postgres", migrations, table: (name) => `"drizzle"."${name}"` },
    "createHealthHandler",
  );
}

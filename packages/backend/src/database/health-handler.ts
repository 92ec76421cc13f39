import type { Client } from "@libsql/client";
import { type HealthHandler, type HealthHandlerOptions, healthHandler } from "./health.js";
import { migrations } from "./migrations.generated.js";

export {
  type HealthHandler,
  type HealthHandlerOptions,
  type HealthReason,
  type HealthReport,
  healthHandlerOptionsSchema,
} from "./health.js";

/**
 * A health route for a libSQL database: one query checks that the database answers and reads
 * the last migration `migrate` recorded (`__tetrastack_migrations`, and the app's
 * `__drizzle_migrations` with `migrationsFolder`). 200 with the migration and the package
 * version; 503 with a stable `reason` (`DATABASE_UNREACHABLE`, `DATABASE_TIMEOUT`,
 * `NOT_MIGRATED`) and never the URL or the driver's message. `Cache-Control: no-store`.
 *
 * @example
 * // app/api/health/route.ts
 * export const { GET } = createHealthHandler({ db, migrationsFolder: "./drizzle" })
 */
export function createHealthHandler(options: HealthHandlerOptions<{ $client: Client }>): HealthHandler {
  return healthHandler(options, { name: "sqlite", migrations, table: (name) => `"${name}"` }, "createHealthHandler");
}

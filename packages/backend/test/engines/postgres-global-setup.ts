import type { TestProject } from "vitest/node";
import { createDatabase, migrate } from "../../src/database/postgres/index.js";
import { postgresServer, startPostgresServer } from "./postgres-server.js";

declare module "vitest" {
  interface ProvidedContext {
    /** The `postgres` engine's server: the URL of its admin database and the migrated template. */
    postgresEngine: { adminURL: string; template: string } | null;
  }
}

/** The database every test database of the `postgres` engine is copied from: migrated once per run. */
export const TEMPLATE_DATABASE = "tetrastack_template";

/**
 * Global setup of the `backend:postgres` project: one throwaway PostgreSQL 15 server for the
 * whole run (test/engines/postgres-server.ts) with a migrated template database, so each
 * `createTestDatabase()` is a `CREATE DATABASE … TEMPLATE` (milliseconds) on a real server.
 * Without the server binaries the project's tests skip (and fail under REQUIRE_EXTERNAL_TOOLS=1).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (postgresServer.skip) {
    project.provide("postgresEngine", null);
    return async () => undefined;
  }
  const server = await startPostgresServer();
  const admin = await createDatabase({ url: server.url(), maxConnections: 1 });
  await admin.$client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.$client.end();
  const template = await createDatabase({ url: server.url(TEMPLATE_DATABASE), maxConnections: 1 });
  await migrate(template);
  await template.$client.end();
  project.provide("postgresEngine", { adminURL: server.url(), template: TEMPLATE_DATABASE });
  return () => server.stop();
}

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

// Global setup of the `example-app:postgres` project: the PostgreSQL server the app runs on. With
// JOURNEY_POSTGRES_URL (an admin URL: the role may CREATE DATABASE) that server; otherwise a
// throwaway PostgreSQL 15 cluster from Debian's binaries, on 127.0.0.1 and a free port, stopped
// (and its directory deleted) at the end of the run: the package tests' own
// packages/backend/test/engines/postgres-server.ts. test/app-server.ts makes one database per app.

declare module "vitest" {
  interface ProvidedContext {
    /** The admin URL of the server the app's databases are created on; null on the libSQL project. */
    journeyPostgres: string | null;
  }
}

/** Where Debian's `postgresql-15` puts its programs; `POSTGRES_BIN` points elsewhere. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** Why this machine cannot start a cluster, or null when it can (or a server is given). */
export function postgresUnavailable(): string | null {
  if (process.env.JOURNEY_POSTGRES_URL) return null;
  if (!existsSync(join(POSTGRES_BIN, "initdb")) || !existsSync(join(POSTGRES_BIN, "pg_ctl"))) {
    return `no ${join(POSTGRES_BIN, "initdb")} (apt-get install postgresql, or set JOURNEY_POSTGRES_URL)`;
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return "running as root and there is no postgres user to run the server as";
    }
  }
  return null;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.JOURNEY_POSTGRES_URL;
  if (given) {
    project.provide("journeyPostgres", given);
    return async () => undefined;
  }
  const missing = postgresUnavailable();
  // vitest.config.ts leaves this project out where the binaries are missing, except under CI.
  if (missing) throw new Error(`The example app's PostgreSQL journey needs a PostgreSQL 15 server: ${missing}`);

  // The package's own test server (one throwaway cluster, stopped at teardown or on exit),
  // imported here rather than at the top: vitest.config.ts loads this file for postgresUnavailable().
  const { startPostgresServer } = await import("../../../packages/backend/test/engines/postgres-server.js");
  const server = await startPostgresServer();
  project.provide("journeyPostgres", server.url());
  return () => server.stop();
}

/**
 * Which database engine the suites run on, chosen per vitest project by `TEST_ENGINE` (see
 * `vitest.config.ts`), and the servers an engine needs, one per test process.
 */
import { type LibsqlHttpServer, startLibsqlHttpServer } from "./libsql-http-server.js";

/**
 * The engines `createTestDatabase()` knows.
 * - `file`: a libSQL file (`file:` URL), the default;
 * - `libsql-http`: the same file behind the Hrana-over-HTTP test stand-in (`http://` URL through
 *   `@libsql/client`'s HTTP client), see `libsql-http-server.ts`: a stand-in, not sqld.
 *
 * - `pglite`: PostgreSQL in process (PGlite), one instance per test file, see `pglite.ts`;
 * - `postgres`: a real PostgreSQL 15 server over TCP, one per test run started by
 *   `postgres-global-setup.ts`, a fresh database per `createTestDatabase()`.
 */
export const TEST_ENGINES = ["file", "libsql-http", "pglite", "postgres"] as const;

export type TestEngine = (typeof TEST_ENGINES)[number];

/** Whether this test process runs on a PostgreSQL engine. */
export function onPostgres(): boolean {
  const engine = testEngine();
  return engine === "pglite" || engine === "postgres";
}

/** The engine of this test process: `process.env.TEST_ENGINE`, `file` when unset. */
export function testEngine(): TestEngine {
  const name = process.env.TEST_ENGINE || "file";
  if (!(TEST_ENGINES as readonly string[]).includes(name)) {
    throw new Error(`TEST_ENGINE=${name} is not an engine of these tests (${TEST_ENGINES.join(", ")}).`);
  }
  return name as TestEngine;
}

let libsqlHttp: Promise<LibsqlHttpServer> | undefined;

/**
 * The stand-in of this test process, started on first use. Vitest runs each test file in its own
 * process, so this is one server per file; `test/engines/setup.ts` stops it after the file.
 */
export function sharedLibsqlHttpServer(): Promise<LibsqlHttpServer> {
  libsqlHttp ??= startLibsqlHttpServer();
  return libsqlHttp;
}

/** Stops the servers this process started (nothing when none was needed). */
export async function stopSharedServers(): Promise<void> {
  const started = libsqlHttp;
  libsqlHttp = undefined;
  if (started) await (await started).stop();
}

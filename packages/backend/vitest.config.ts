import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import SummaryReporter from "../../scripts/summary-reporter";

/**
 * Test files that run on the libSQL file engine only, each with the reason it would prove nothing
 * more (or nothing at all) over the network. Everything else (the database, auth and uploads
 * suites) also runs over HTTP.
 */
const FILE_ENGINE_ONLY: Record<string, string> = {
  "src/**/*.test.ts": "unit tests beside the code: they open no database, so they would run the same twice",
  "test/architecture.test.ts": "import rules read from an esbuild bundle of the sources: no database",
  "test/build.test.ts": "the built dist/ (exports map, CJS loading, import isolation): no database",
  "test/consumer.test.ts": "a consumer project's drizzle-kit and bundler on the built package, on local files",
  "test/database-busy.test.ts":
    "another process holding a local file's write lock: the busy handling (src/database/busy.ts) is for file: URLs only",
  "test/auth-query-plans.test.ts":
    "SQLite's query plans: a property of the engine behind the server (the same libsql here), not of the protocol",
  "test/organizations-query-plans.test.ts":
    "SQLite's query plans of the membership check and the audit log: a property of the engine, not of the protocol",
  "test/tokens-query-plans.test.ts":
    "SQLite's query plans of the token lookups: a property of the engine, not of the protocol",
  "test/tokens-pyjwt.test.ts":
    "PyJWT verifies the tokens' bytes, which no engine changes (the token tests run on every engine)",
  "test/postgres.test.ts": "the PostgreSQL dialect of /database on its own PGlite instances",
  "test/postgres-server.test.ts": "the PostgreSQL dialect of /database on its own PostgreSQL server",
  "test/consumer-postgres.test.ts": "a consumer's PostgreSQL schema on its own PGlite and server",
  "test/arguments-postgres.test.ts": "argument checks of /database/postgres: no database behind them",
};

/**
 * Test files that the PostgreSQL engines leave out besides {@link FILE_ENGINE_ONLY}: the libSQL
 * dialect of `/database` itself (the PostgreSQL dialect has its own suites, above).
 */
const LIBSQL_ONLY: Record<string, string> = {
  "test/database.test.ts":
    "createDatabase and migrate of /database, the libSQL dialect (test/postgres*.test.ts cover /database/postgres)",
  "test/arguments.test.ts": "argument checks of /database (libSQL) and /utils, which take no PostgreSQL database",
};

/**
 * Single tests of files that otherwise run over HTTP, by full name (file > describe > it), that
 * stay on the file engine; test/engines/setup.ts skips them elsewhere and says why.
 */
const FILE_ENGINE_ONLY_TESTS: Record<string, string> = {
  "test/database.test.ts > createDatabase > sets up a file database for production: foreign keys, WAL and no busy wait inside SQLite":
    "reads the PRAGMAs createDatabase sets on a file; over HTTP it would read the server's own settings",
  "test/database.test.ts > createDatabase > defaults to file:local.db and accepts an existing client":
    "the default file:local.db, opened on its own file: URL",
  "test/database.test.ts > migrate > is safe when two processes migrate the same new file at once":
    "two processes on one local file, opened on its own file: URL",
  "test/auth-flow.test.ts > credentials sign-in through the Auth.js route handlers > resolves a session much faster than Auth.js's own session route":
    "compares CPU cost per call (at least 2x Auth.js's /session route), which one network round trip per query hides (0.9x to 1.5x measured over the stand-in)",
};

/**
 * Test files that make no sense on PGlite: it is one PostgreSQL instance inside the test
 * process, which no other OS process can open.
 */
const NOT_ON_PGLITE: Record<string, string> = {
  "test/instances.test.ts":
    "two app instances as two OS processes on one database: PGlite lives inside one process and cannot be shared with another",
};

/** The stand-in's own tests and the network-path tests: they start their own stand-in. */
const HTTP_ENGINE_ONLY = ["test/engines/**/*.test.ts"];

/** What every backend project shares. */
const shared: NonNullable<TestProjectInlineConfiguration["test"]> = {
  include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  environment: "node",
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Each file gets its own database files; the builds in test/build are shared, see globalSetup.
  globalSetup: ["./test/global-setup.ts"],
  // Stops the engine servers (test/engines/engine.ts) a test file started, and skips the tests
  // of FILE_ENGINE_ONLY_TESTS on other engines.
  setupFiles: ["./test/engines/setup.ts"],
  // next-auth 5 beta imports `next/server` without an extension, which only bundlers resolve;
  // inlining it lets vite resolve those imports as Next's bundler does.
  server: { deps: { inline: ["next-auth"] } },
};

/**
 * The package's test projects, one per database engine (`TEST_ENGINE`, read by
 * `createTestDatabase()` in test/helpers.ts), rooted at `root` (this folder, from the config that
 * declares them): libSQL file, libSQL over HTTP, PGlite, a PostgreSQL server.
 */
export function backendProjects(root = "."): TestProjectInlineConfiguration[] {
  return [
    {
      root,
      test: {
        ...shared,
        name: "backend:file",
        env: { TEST_ENGINE: "file" },
        exclude: HTTP_ENGINE_ONLY,
        provide: { fileEngineOnlyTests: {} },
      },
    },
    {
      root,
      test: {
        ...shared,
        name: "backend:libsql-http",
        // libSQL over Hrana-over-HTTP through @libsql/client, against the test stand-in
        // (test/engines/libsql-http-server.ts), not a real sqld.
        env: { TEST_ENGINE: "libsql-http" },
        exclude: Object.keys(FILE_ENGINE_ONLY),
        provide: { fileEngineOnlyTests: FILE_ENGINE_ONLY_TESTS },
      },
    },
    {
      root,
      test: {
        ...shared,
        name: "backend:pglite",
        // PostgreSQL in process: one PGlite instance per test file, emptied between databases.
        env: { TEST_ENGINE: "pglite" },
        exclude: [
          ...Object.keys(FILE_ENGINE_ONLY),
          ...Object.keys(LIBSQL_ONLY),
          ...Object.keys(NOT_ON_PGLITE),
          ...HTTP_ENGINE_ONLY,
        ],
        provide: { fileEngineOnlyTests: FILE_ENGINE_ONLY_TESTS },
      },
    },
    {
      root,
      test: {
        ...shared,
        name: "backend:postgres",
        // A real PostgreSQL 15 server for the run (test/engines/postgres-global-setup.ts), a new
        // database per createTestDatabase().
        env: { TEST_ENGINE: "postgres" },
        globalSetup: [...(shared.globalSetup as string[]), "./test/engines/postgres-global-setup.ts"],
        exclude: [...Object.keys(FILE_ENGINE_ONLY), ...Object.keys(LIBSQL_ONLY), ...HTTP_ENGINE_ONLY],
        provide: { fileEngineOnlyTests: FILE_ENGINE_ONLY_TESTS },
      },
    },
  ];
}

// `vitest run` in this folder runs the package's projects; the root config lists them itself.
export default defineConfig({
  test: { projects: backendProjects(), reporters: ["default", new SummaryReporter()] },
});

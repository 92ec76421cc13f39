import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { postgresUnavailable } from "./test/postgres-global-setup";

// The browser journey: a real Chromium (Debian's package, driven by playwright-core) against the
// production build (`next build`, run by turbo before the tests) served by `next start`. It runs
// twice: on libSQL (a file, the default) and on PostgreSQL (test/postgres-global-setup.ts), the
// same build switching engine on DATABASE_URL's scheme as in production.

const shared: NonNullable<TestProjectInlineConfiguration["test"]> = {
  environment: "node",
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // Also puts both projects' files in vitest's one sequential group, one file at a time: never
  // two Next servers and two browsers at once.
  fileParallelism: false,
  // Page updates wait on scrypt (about 0.3 s per hash) and server rendering: poll for up to 15 s.
  expect: { poll: { timeout: 15_000, interval: 100 } },
};

/**
 * The example's test projects, rooted at `root`. Without PostgreSQL binaries (and no
 * JOURNEY_POSTGRES_URL) the PostgreSQL project is left out with a printed reason, except under CI,
 * where its setup then fails.
 */
export function exampleAppProjects(root = "."): TestProjectInlineConfiguration[] {
  const projects: TestProjectInlineConfiguration[] = [
    { root, test: { ...shared, name: "example-app", include: ["test/**/*.test.ts"] } },
  ];
  const missing = postgresUnavailable();
  if (missing && !process.env.CI && process.env.REQUIRE_EXTERNAL_TOOLS !== "1") {
    console.warn(`Skipping the example app's journey on PostgreSQL: ${missing}.`);
    return projects;
  }
  projects.push({
    root,
    test: {
      ...shared,
      name: "example-app:postgres",
      // The journey and the health route: untrusted-host tests next start's settings, not the database.
      include: ["test/journey.test.ts", "test/health.test.ts"],
      globalSetup: ["./test/postgres-global-setup.ts"],
    },
  });
  return projects;
}

export default defineConfig({ test: { projects: exampleAppProjects() } });

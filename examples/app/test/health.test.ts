/**
 * GET /api/health on the production build, on the engine of the test project (libSQL file or
 * PostgreSQL): 200 with the package's and the app's last migrations once the server has migrated
 * (instrumentation.ts), never cached; a POST is not a health check.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journeyEngine, type RunningApp, startApp } from "./app-server";

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.stop();
});

describe(`examples/app GET /api/health on ${journeyEngine}`, () => {
  it("answers 200 with the version and both migrations, with Cache-Control: no-store", async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      migration: expect.stringMatching(/^\d{4}_/),
      appMigration: "0001_projects",
    });
    expect(JSON.stringify(body)).not.toMatch(/postgres:|file:|127\.0\.0\.1/);
    expect(app.databaseURL.startsWith(journeyEngine === "postgres" ? "postgres://" : "file:")).toBe(true);
  });

  it.runIf(journeyEngine === "postgres")(
    "migrated the PostgreSQL database itself: notes is a table there",
    async () => {
      const client = new pg.Client({ connectionString: app.databaseURL });
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT to_regclass('public.notes') AS notes, count(*)::int AS applied FROM drizzle.__drizzle_migrations",
        );
        expect(rows).toEqual([{ notes: "notes", applied: 2 }]);
      } finally {
        await client.end();
      }
    },
  );

  it("refuses other methods", async () => {
    const response = await fetch(`${app.url}/api/health`, { method: "POST" });
    expect(response.status).toBe(405);
  });
});

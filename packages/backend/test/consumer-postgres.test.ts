import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
// Imported by package name, as an app does: this resolves to the built dist/ through `exports`.
import {
  createDatabase,
  migrate,
  PACKAGE_MIGRATIONS_TABLE,
  packageMigrationList,
  schema,
  users,
} from "@tetrastack/backend/database/postgres";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, postgresServer, startPostgresServer } from "./engines/postgres-server.js";
import * as appSchema from "./fixtures/consumer-postgres/schema.js";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("./fixtures/consumer-postgres", import.meta.url));
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const drizzleKit = join(packageRoot, "node_modules/.bin/drizzle-kit");

const dir = mkdtempSync(join(tmpdir(), "tetrastack-consumer-pg-"));
const migrationsFolder = join(dir, "drizzle");

beforeAll(async () => {
  // drizzle-kit loads the app's schema through its CommonJS require hook; the schema imports
  // @tetrastack/backend/database/postgres, which must therefore resolve and load as CJS.
  await run(drizzleKit, ["generate", "--config", "drizzle.config.ts"], {
    cwd: fixture,
    env: { ...process.env, CONSUMER_MIGRATIONS_OUT: migrationsFolder },
  });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a consumer extending the PostgreSQL schema", () => {
  const client = new PGlite();
  const db = createDatabase({ client, schema: { ...schema, ...appSchema } });
  afterAll(() => client.close());

  it("generates the app's migration with drizzle-kit, for its own table only", () => {
    const files = readdirSync(migrationsFolder).filter((file) => file.endsWith(".sql"));
    expect(files).toHaveLength(1);
    const sqlText = readFileSync(join(migrationsFolder, files[0] ?? ""), "utf8");
    expect(sqlText).toContain('CREATE TABLE "notes"');
    expect(sqlText).toContain('"id" uuid PRIMARY KEY NOT NULL');
    expect(sqlText).toContain('"user_id" uuid NOT NULL');
    expect(sqlText).toContain('"created_at" timestamp with time zone NOT NULL');
    expect(sqlText).toMatch(/FOREIGN KEY \("user_id"\) REFERENCES "public"\."users"\("id"\) ON DELETE cascade/);
    expect(sqlText).not.toContain('CREATE TABLE "users"');
  });

  it("applies the package's migrations, then the app's, in one call; again is a no-op", async () => {
    const first = await migrate(await db, { migrationsFolder });
    // Every migration of the package, then the app's one.
    expect(first.applied).toHaveLength(packageMigrationList().length + 1);
    expect(await migrate(await db, { migrationsFolder })).toEqual({ applied: [] });
  });

  it("follows the package conventions in the app's table and cascades from users", async () => {
    const database = await db;
    const [user] = await database.insert(users).values({ email: "writer@example.com" }).returning();
    if (!user) throw new Error("no user");
    const [note] = await database.insert(appSchema.notes).values({ userId: user.id, title: "First" }).returning();
    expect(note?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(note?.createdAt).toBeInstanceOf(Date);
    await database.insert(appSchema.notes).values({ userId: user.id, title: "Second" });

    const withNotes = await database.query.users.findFirst({
      where: eq(users.id, user.id),
      with: { notes: true, sessions: true },
    });
    expect(withNotes?.notes.map((n) => n.title).sort()).toEqual(["First", "Second"]);
    expect(withNotes?.sessions).toEqual([]);
    const withAuthor = await database.query.notes.findFirst({ with: { author: true } });
    expect(withAuthor?.author.email).toBe("writer@example.com");

    await database.delete(users).where(eq(users.id, user.id));
    expect(await database.select().from(appSchema.notes)).toEqual([]);
  });
});

describe.skipIf(postgresServer.skip)("a consumer's migrations on a PostgreSQL 15 server", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(() => server?.stop());

  it("records the app's migrations where drizzle-kit migrate looks: it then finds nothing to do", async () => {
    const url = await server.freshDatabase();
    const db = await createDatabase({ url, schema: { ...schema, ...appSchema } });
    try {
      expect((await migrate(db, { migrationsFolder })).applied).toHaveLength(packageMigrationList().length + 1);
      // drizzle-kit's own migrator, on the same database: it reads drizzle.__drizzle_migrations,
      // so it must not try to create `notes` again (which would fail: the table exists).
      await run(drizzleKit, ["migrate", "--config", "drizzle.config.ts"], {
        cwd: fixture,
        env: { ...process.env, CONSUMER_MIGRATIONS_OUT: migrationsFolder, DATABASE_URL: url },
      });
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      try {
        const app = await check.query("SELECT hash FROM drizzle.__drizzle_migrations");
        expect(app.rows).toHaveLength(1);
        const own = await check.query(`SELECT hash FROM drizzle.${PACKAGE_MIGRATIONS_TABLE}`);
        expect(own.rows).toHaveLength(packageMigrationList().length);
      } finally {
        await check.end();
      }
    } finally {
      await db.$client.end();
    }
  });

  it("and the other way round: after drizzle-kit migrate applied the app's, migrate applies only the package's", async () => {
    const url = await server.freshDatabase();
    const db = await createDatabase({ url, schema: { ...schema, ...appSchema } });
    try {
      // The app's migration references users, so the package's tables come first.
      expect((await migrate(db)).applied).toHaveLength(packageMigrationList().length);
      await run(drizzleKit, ["migrate", "--config", "drizzle.config.ts"], {
        cwd: fixture,
        env: { ...process.env, CONSUMER_MIGRATIONS_OUT: migrationsFolder, DATABASE_URL: url },
      });
      expect(await migrate(db, { migrationsFolder })).toEqual({ applied: [] });
    } finally {
      await db.$client.end();
    }
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
// Imported by package name, as an app does: this resolves to the built dist/ through `exports`.
import { createDatabase, migrate, packageMigrationList, schema, users } from "@tetrastack/backend/database";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as appSchema from "./fixtures/consumer/schema.js";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("./fixtures/consumer", import.meta.url));
const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("a consumer extending the schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-consumer-"));
  const migrationsFolder = join(dir, "drizzle");
  const db = createDatabase({ url: `file:${join(dir, "app.db")}`, schema: { ...schema, ...appSchema } });

  beforeAll(async () => {
    // drizzle-kit loads the app's schema through its CommonJS require hook; the schema imports
    // @tetrastack/backend/database, which must therefore resolve and load as CJS.
    await run(join(packageRoot, "node_modules/.bin/drizzle-kit"), ["generate", "--config", "drizzle.config.ts"], {
      cwd: fixture,
      env: { ...process.env, CONSUMER_MIGRATIONS_OUT: migrationsFolder },
    });
  }, 60_000);

  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("generates the app's migration with drizzle-kit, for its own table only", () => {
    const files = readdirSync(migrationsFolder).filter((file) => file.endsWith(".sql"));
    expect(files).toHaveLength(1);
    const sqlText = readFileSync(join(migrationsFolder, files[0] ?? ""), "utf8");
    expect(sqlText).toContain("CREATE TABLE `notes`");
    expect(sqlText).toMatch(
      /FOREIGN KEY \(`user_id`\) REFERENCES `users`\(`id`\) ON UPDATE no action ON DELETE cascade/,
    );
    expect(sqlText).not.toContain("CREATE TABLE `users`");
  });

  it("applies the package's migrations, then the app's, in one call; again is a no-op", async () => {
    const first = await migrate(db, { migrationsFolder });
    // Every migration of the package, then the app's one.
    expect(first.applied).toHaveLength(packageMigrationList().length + 1);
    expect(await migrate(db, { migrationsFolder })).toEqual({ applied: [] });
  });

  it("follows the package conventions in the app's table and cascades from users", async () => {
    const [user] = await db.insert(users).values({ email: "writer@example.com" }).returning();
    if (!user) throw new Error("no user");
    const [note] = await db.insert(appSchema.notes).values({ userId: user.id, title: "First" }).returning();
    expect(note?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(note?.createdAt).toBeInstanceOf(Date);
    await db.insert(appSchema.notes).values({ userId: user.id, title: "Second" });

    // Relational queries across both schemas, in both directions.
    const withNotes = await db.query.users.findFirst({
      where: eq(users.id, user.id),
      with: { notes: true, sessions: true },
    });
    expect(withNotes?.notes.map((n) => n.title).sort()).toEqual(["First", "Second"]);
    expect(withNotes?.sessions).toEqual([]);
    const withAuthor = await db.query.notes.findFirst({ with: { author: true } });
    expect(withAuthor?.author.email).toBe("writer@example.com");

    await db.delete(users).where(eq(users.id, user.id));
    expect(await db.select().from(appSchema.notes)).toEqual([]);
  });
});

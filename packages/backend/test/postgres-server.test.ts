import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eq, is, sql } from "drizzle-orm";
import { NodePgDatabase } from "drizzle-orm/node-postgres";
import { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import pg from "pg";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabase,
  type Database,
  migrate,
  PACKAGE_MIGRATIONS_TABLE,
  type PostgresClient,
  packageMigrationList,
  sessions,
  users,
} from "../src/database/postgres/index.js";
import { type PostgresServer, postgresServer, startPostgresServer } from "./engines/postgres-server.js";

// The PostgreSQL dialect over TCP on a real PostgreSQL 15 server (Debian's binaries, a throwaway
// cluster on 127.0.0.1), through each Node driver: pg (the default), postgres.js, a pg Client.

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe.skipIf(postgresServer.skip)("PostgreSQL 15 server", () => {
  let server: PostgresServer;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
    await server?.stop();
  });

  /** A database on a fresh server database through `driver`; closed after the file. */
  async function open(
    driver: "url" | "postgres.js" | "pg Pool" | "pg Client",
  ): Promise<Database<typeof import("../src/database/postgres/schema.js"), PostgresClient>> {
    const url = await server.freshDatabase();
    switch (driver) {
      case "url": {
        const db = await createDatabase({ url });
        closers.push(() => db.$client.end());
        return db;
      }
      case "postgres.js": {
        const client = postgres(url, { max: 4, onnotice: () => undefined });
        closers.push(() => client.end());
        return createDatabase({ client });
      }
      case "pg Pool": {
        const client = new pg.Pool({ connectionString: url, max: 4 });
        closers.push(() => client.end());
        return createDatabase({ client });
      }
      case "pg Client": {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        closers.push(() => client.end());
        return createDatabase({ client });
      }
    }
  }

  it("opens a url with pg (the measured default), through a pool", async () => {
    const db = await open("url");
    expect(is(db, NodePgDatabase)).toBe(true);
    expect(db.$client).toBeInstanceOf(pg.Pool);
    // A raw execute's result is the driver's own (pg: a QueryResult with `rows`), hence `unknown` here.
    const result = (await db.execute(sql`SELECT current_setting('server_version_num') AS version`)) as pg.QueryResult;
    expect(Number(result.rows[0]?.version)).toBeGreaterThanOrEqual(150000);
  });

  it.each(["url", "postgres.js", "pg Pool", "pg Client"] as const)(
    "%s: migrates, writes and reads back times, cascades, and migrates again as a no-op",
    async (driver) => {
      const db = await open(driver);
      if (driver === "postgres.js") expect(is(db, PostgresJsDatabase)).toBe(true);
      expect(await migrate(db)).toEqual({ applied: packageMigrationList().map((m) => m.tag) });
      expect(await migrate(db)).toEqual({ applied: [] });
      const [user] = await db
        .insert(users)
        .values({ email: `${driver.replace(" ", "")}@example.com` })
        .returning();
      if (!user) throw new Error("no user");
      expect(user.updatedAt.getTime()).toBe(user.createdAt.getTime());
      const expires = new Date("2030-01-02T03:04:05.678Z");
      await db.insert(sessions).values({ sessionToken: `token-${driver}`, userId: user.id, expires });
      const [found] = await db
        .select({ expires: sessions.expires, email: users.email })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.sessionToken, sql.placeholder("token")))
        .prepare(`session_lookup_${driver.replace(" ", "_").replace(".", "")}`)
        .execute({ token: `token-${driver}` });
      // timestamptz keeps the instant (to the millisecond, as JavaScript has it) whatever the session time zone.
      expect(found?.expires.toISOString()).toBe(expires.toISOString());
      const duplicate = await db
        .insert(users)
        .values({ email: user.email?.toUpperCase() })
        .then(
          () => undefined,
          (error: { cause?: { code?: string; constraint_name?: string; constraint?: string } }) => error.cause,
        );
      expect(duplicate?.code).toBe("23505");
      expect(duplicate?.constraint ?? duplicate?.constraint_name).toBe("users_email_lower_unique");
      await db.delete(users).where(eq(users.id, user.id));
      expect(await db.select().from(sessions)).toEqual([]);
    },
  );

  it("two clients racing migrate on an empty database: exactly one applies, both succeed", async () => {
    for (let round = 0; round < 3; round++) {
      const url = await server.freshDatabase();
      const a = postgres(url, { max: 2, onnotice: () => undefined });
      const b = new pg.Pool({ connectionString: url, max: 2 });
      try {
        const [first, second] = await Promise.all([
          createDatabase({ client: a }).then(migrate),
          createDatabase({ client: b }).then(migrate),
        ]);
        const applied = [first.applied, second.applied];
        expect(applied.filter((tags) => tags.length > 0)).toHaveLength(1);
        expect(applied.flat()).toEqual(packageMigrationList().map((m) => m.tag));
        const recorded = await b.query(`SELECT hash FROM drizzle.${PACKAGE_MIGRATIONS_TABLE}`);
        expect(recorded.rows).toHaveLength(packageMigrationList().length);
      } finally {
        await a.end();
        await b.end();
      }
    }
  });

  it("two processes racing migrate on an empty database: exactly one applies, both succeed", async () => {
    const script = `
      const { createDatabase, migrate } = await import(${JSON.stringify(`${packageRoot}dist/database/postgres/index.js`)});
      const db = await createDatabase({ url: process.argv[1] });
      while (Date.now() < Number(process.argv[2])) {}
      const result = await migrate(db);
      await db.$client.end();
      console.log(JSON.stringify(result.applied));
    `;
    for (let round = 0; round < 3; round++) {
      const url = await server.freshDatabase();
      const startAt = String(Date.now() + 1_000);
      const outputs = await Promise.all(
        [0, 1].map(() => run(process.execPath, ["--input-type=module", "-e", script, url, startAt])),
      );
      const applied = outputs.map((output) => JSON.parse(output.stdout) as string[]);
      expect(applied.filter((tags) => tags.length > 0)).toHaveLength(1);
      expect(applied.flat()).toEqual(packageMigrationList().map((m) => m.tag));
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      try {
        const recorded = await check.query(`SELECT hash FROM drizzle.${PACKAGE_MIGRATIONS_TABLE}`);
        expect(recorded.rows).toHaveLength(packageMigrationList().length);
      } finally {
        await check.end();
      }
    }
  });
});

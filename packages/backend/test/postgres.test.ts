import { PGlite } from "@electric-sql/pglite";
import { Pool as NeonPool, type NeonQueryFunction, neon, neonConfig } from "@neondatabase/serverless";
import { eq, is, sql } from "drizzle-orm";
import { NeonHttpDatabase } from "drizzle-orm/neon-http";
import { NeonDatabase } from "drizzle-orm/neon-serverless";
import { NodePgDatabase } from "drizzle-orm/node-postgres";
import { PgDatabase } from "drizzle-orm/pg-core";
import { PgliteDatabase } from "drizzle-orm/pglite";
import { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import pg from "pg";
import postgres from "postgres";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import * as sqliteDatabase from "../src/database/index.js";
import {
  accounts,
  authenticators,
  ConfigError,
  createDatabase,
  isTetrastackError,
  migrate,
  PACKAGE_MIGRATIONS_TABLE,
  packageMigrationList,
  rateLimits,
  sessions,
  uploads,
  users,
  ValidationError,
  verificationTokens,
} from "../src/database/postgres/index.js";
import { createPgliteDatabase } from "./engines/pglite.js";
import { createTestDatabase } from "./helpers.js";

// The PostgreSQL dialect on PGlite (PostgreSQL 17 in WebAssembly, in process): the suite every
// machine runs. test/postgres-server.test.ts runs the drivers over TCP on a real PostgreSQL 15.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fresh() {
  const t = await createPgliteDatabase();
  cleanups.push(t.cleanup);
  return t;
}

/** The first error `action` rejects with (or throws). */
async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

type Rows<T> = { rows: T[] };

describe("migrate (PostgreSQL, PGlite)", () => {
  it("creates every table and records the package's migrations in drizzle.__tetrastack_migrations", async () => {
    const client = new PGlite();
    cleanups.push(() => client.close());
    const db = await createDatabase({ client });
    const result = await migrate(db);
    expect(result.applied).toEqual(packageMigrationList().map((m) => m.tag));
    expect(result.applied.length).toBeGreaterThan(0);
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      "accounts",
      "api_keys",
      "audit_events",
      "authenticators",
      "invitations",
      "jwks",
      "members",
      "organizations",
      "rate_limits",
      "refresh_tokens",
      "sessions",
      "uploads",
      "users",
      "verification_tokens",
    ]);
    // Same columns as the SQLite migrator's table, beside drizzle-kit's own in the `drizzle` schema.
    const recorded = await client.query<{ hash: string; created_at: string }>(
      `SELECT hash, created_at FROM drizzle.${PACKAGE_MIGRATIONS_TABLE} ORDER BY id`,
    );
    expect(recorded.rows.map((row) => [row.hash, Number(row.created_at)])).toEqual(
      packageMigrationList().map((m) => [m.hash, m.createdAt]),
    );
  });

  it("is idempotent: a second run applies nothing and changes nothing", async () => {
    const { db, client } = await fresh();
    await db.insert(users).values({ email: "keep@example.com" });
    expect(await migrate(db)).toEqual({ applied: [] });
    expect(await migrate(db)).toEqual({ applied: [] });
    expect(await db.select().from(users)).toHaveLength(1);
    const recorded = (await client.query(`SELECT hash FROM drizzle.${PACKAGE_MIGRATIONS_TABLE}`)) as Rows<unknown>;
    expect(recorded.rows).toHaveLength(packageMigrationList().length);
  });

  it("rolls a failing app migration back whole, the package's with it, and says which folder is unreadable", async () => {
    const client = new PGlite();
    cleanups.push(() => client.close());
    const db = await createDatabase({ client });
    const error = await failure(() => migrate(db, { migrationsFolder: "/nonexistent/folder" }));
    expect(isTetrastackError(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).not.toContain("/nonexistent");
    // Nothing was applied: the folder is read before the transaction.
    const tables = (await client.query(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'",
    )) as Rows<unknown>;
    expect(tables.rows).toEqual([]);
  });
});

describe("the PostgreSQL schema, migrated", () => {
  it("stores ids as native uuid, times as timestamptz, the flag as boolean, the counter as integer", async () => {
    const { client } = await fresh();
    const columns = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (column_name IN ('id', 'user_id', 'owner_id', 'created_at', 'updated_at',
         'expires', 'reset_at', 'locked_until', 'email_verified', 'counter', 'credential_backed_up', 'size'))`,
    );
    const types = new Map(columns.rows.map((row) => [`${row.table_name}.${row.column_name}`, row.data_type]));
    for (const table of ["users", "accounts", "verification_tokens", "rate_limits", "authenticators", "uploads"]) {
      expect(types.get(`${table}.id`)).toBe("uuid");
    }
    expect(types.get("sessions.id")).toBe("uuid");
    for (const fk of [
      "accounts.user_id",
      "sessions.user_id",
      "authenticators.user_id",
      "verification_tokens.user_id",
    ]) {
      expect(types.get(fk)).toBe("uuid");
    }
    expect(types.get("uploads.owner_id")).toBe("uuid");
    for (const time of [
      "users.created_at",
      "users.updated_at",
      "users.email_verified",
      "sessions.expires",
      "verification_tokens.expires",
      "rate_limits.reset_at",
      "rate_limits.locked_until",
    ]) {
      expect(types.get(time)).toBe("timestamp with time zone");
    }
    expect(types.get("authenticators.counter")).toBe("integer");
    expect(types.get("authenticators.credential_backed_up")).toBe("boolean");
    expect(types.get("uploads.size")).toBe("bigint");
  });

  it("has the SQLite schema's index names, and an index led by every foreign key column", async () => {
    const { client } = await fresh();
    const sqlite = await createTestDatabase();
    cleanups.push(sqlite.cleanup);
    const sqliteIndexes = await sqlite.db.all<{ name: string }>(
      sql`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    );
    const pgIndexes = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' ORDER BY indexname",
    );
    expect(pgIndexes.rows.map((row) => row.indexname)).toEqual(sqliteIndexes.map((row) => row.name));
    const unindexed = await client.query<{ fk: string }>(`
      SELECT c.conrelid::regclass || '.' || a.attname AS fk
      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`);
    expect(unindexed.rows).toEqual([]);
    // Every foreign key cascades but three that keep their row and become null: a session's active
    // organization, an invitation's inviter, a refresh token's session (its family outlives it).
    const notCascading = await client.query<{ fk: string; action: string }>(`
      SELECT c.conrelid::regclass || '.' || a.attname AS fk, c.confdeltype AS action
      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.confdeltype <> 'c' AND c.connamespace = 'public'::regnamespace
      ORDER BY 1`);
    expect(notCascading.rows).toEqual([
      { fk: "invitations.inviter_id", action: "n" },
      { fk: "refresh_tokens.session_id", action: "n" },
      { fk: "sessions.active_organization_id", action: "n" },
    ]);
  });

  it("refuses a second user whose email differs only in case, with SQLSTATE 23505 on users_email_lower_unique", async () => {
    const { db } = await fresh();
    await db.insert(users).values({ email: "Ada@Example.com" });
    const error = await failure(() => db.insert(users).values({ email: "ada@example.COM" }));
    const cause = (error as { cause?: { code?: string; constraint?: string } }).cause;
    expect(cause?.code).toBe("23505");
    expect(cause?.constraint).toBe("users_email_lower_unique");
    // Emails are not required: many users without one are fine.
    await db.insert(users).values([{ name: "no email" }, { name: "none either" }]);
  });

  it("gives rows UUIDv7 ids and one instant for created_at and updated_at; an update moves updated_at", async () => {
    const { db } = await fresh();
    const [user] = await db.insert(users).values({ email: "time@example.com" }).returning();
    if (!user) throw new Error("no user");
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(user.updatedAt.getTime()).toBe(user.createdAt.getTime());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [updated] = await db.update(users).set({ name: "Ada" }).where(eq(users.id, user.id)).returning();
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(user.createdAt.getTime());
    expect(updated?.createdAt.getTime()).toBe(user.createdAt.getTime());
  });

  it("deletes everything a user owns with the user (ON DELETE CASCADE), and relational queries work", async () => {
    const { db } = await fresh();
    const [user] = await db.insert(users).values({ email: "gone@example.com" }).returning();
    if (!user) throw new Error("no user");
    const expires = new Date(Date.now() + 60_000);
    await db.insert(accounts).values({
      userId: user.id,
      type: "credentials",
      provider: "credentials",
      providerAccountId: user.id,
    });
    await db.insert(sessions).values({ sessionToken: "hash", userId: user.id, expires });
    await db.insert(verificationTokens).values({ identifier: user.email ?? "", token: "t", expires, userId: user.id });
    await db.insert(authenticators).values({
      userId: user.id,
      credentialID: "cred",
      providerAccountId: user.id,
      credentialPublicKey: "key",
      counter: 0,
      credentialDeviceType: "singleDevice",
      credentialBackedUp: true,
    });
    await db.insert(uploads).values({
      ownerId: user.id,
      key: "u/a.png",
      policy: "avatar",
      filename: "a.png",
      contentType: "image/png",
      size: 3 * 2 ** 30, // past PostgreSQL's 32-bit integer: multipart uploads get there
    });
    const loaded = await db.query.users.findFirst({
      where: eq(users.id, user.id),
      with: { accounts: true, sessions: true, authenticators: true, uploads: true, verificationTokens: true },
    });
    expect(loaded?.sessions[0]?.expires.getTime()).toBe(expires.getTime());
    expect(loaded?.authenticators[0]?.credentialBackedUp).toBe(true);
    expect(loaded?.uploads[0]?.size).toBe(3 * 2 ** 30);
    expect(loaded?.uploads[0]?.status).toBe("pending");
    expect(loaded?.verificationTokens[0]?.purpose).toBe("sign-in");
    const session = await db.query.sessions.findFirst({ with: { user: true } });
    expect(session?.user.email).toBe("gone@example.com");

    await db.delete(users).where(eq(users.id, user.id));
    for (const table of [accounts, sessions, verificationTokens, authenticators, uploads]) {
      expect(await db.select().from(table)).toEqual([]);
    }
    // Rate-limit rows belong to no user and stay.
    await db.insert(rateLimits).values({ key: "k", count: 1, resetAt: expires });
    expect(await db.select().from(rateLimits)).toHaveLength(1);
  });
});

describe("createDatabase (PostgreSQL)", () => {
  it("recognises each driver's client by its shape and wraps it with that driver's Drizzle database", async () => {
    // Nothing connects: pg and postgres.js connect on the first query, Neon on the first query too.
    const sqlClient = postgres("postgres://user:secret@127.0.0.1:1/db", { max: 1 });
    const pool = new pg.Pool({ connectionString: "postgres://user:secret@127.0.0.1:1/db" });
    const pgClient = new pg.Client({ connectionString: "postgres://user:secret@127.0.0.1:1/db" });
    const neonPool = new NeonPool({ connectionString: "postgres://user:secret@ep-test.neon.tech/db" });
    const neonHttp = neon("postgres://user:secret@ep-test.neon.tech/db");
    const lite = new PGlite();
    cleanups.push(
      () => sqlClient.end(),
      () => pool.end(),
      () => neonPool.end(),
      () => lite.close(),
    );

    const cases = [
      [await createDatabase({ client: sqlClient }), PostgresJsDatabase, sqlClient],
      [await createDatabase({ client: pool }), NodePgDatabase, pool],
      [await createDatabase({ client: pgClient }), NodePgDatabase, pgClient],
      [await createDatabase({ client: lite }), PgliteDatabase, lite],
      [await createDatabase({ client: neonPool }), NeonDatabase, neonPool],
      [await createDatabase({ client: neonHttp }), NeonHttpDatabase, neonHttp],
    ] as const;
    for (const [db, kind, client] of cases) {
      expect({ driver: kind.name, matches: is(db, kind), client: db.$client === client }).toEqual({
        driver: kind.name,
        matches: true,
        client: true,
      });
      expect(is(db, PgDatabase)).toBe(true);
    }
    // Neon's Pool is a pg fork: it must not be taken for pg's (its WebSocket transport would be skipped).
    expect(is(cases[4][0], NodePgDatabase)).toBe(false);
  });

  it("types $client as the client passed in, and the url form as a pg Pool", async () => {
    const neonPool = new NeonPool({ connectionString: "postgres://user:secret@ep-test.neon.tech/db" });
    cleanups.push(() => neonPool.end());
    const fromNeon = await createDatabase({ client: neonPool });
    expectTypeOf(fromNeon.$client).toEqualTypeOf<NeonPool>();
    const fromHttp = await createDatabase({ client: neon("postgres://user:secret@ep-test.neon.tech/db") });
    expectTypeOf(fromHttp.$client).toEqualTypeOf<NeonQueryFunction<false, false>>();
    const fromUrl = await createDatabase({ url: "postgres://user:secret@127.0.0.1:1/db" });
    cleanups.push(() => fromUrl.$client.end());
    expectTypeOf(fromUrl.$client).toEqualTypeOf<pg.Pool>();
    expect(is(fromUrl, NodePgDatabase)).toBe(true);
    expect(fromUrl.$client).toBeInstanceOf(pg.Pool);
    // The pool listens for idle-connection errors, which would otherwise end the process.
    expect(fromUrl.$client.listenerCount("error")).toBe(1);
    // @ts-expect-error a libSQL client is not a PostgreSQL client
    await expect(createDatabase({ client: { execute() {}, batch() {}, executeMultiple() {} } })).rejects.toThrow(
      ConfigError,
    );
  });

  it("accepts postgres:// and postgresql:// URLs, with libpq parameters; rejects anything else without echoing it", async () => {
    for (const url of [
      "postgres://user:secret@127.0.0.1:5432/db",
      "postgresql://user:secret@db.example.com/db?sslmode=require",
      "postgresql://user:secret@ep-cool-name-123456-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require",
      "postgres:///db?host=/var/run/postgresql",
    ]) {
      const db = await createDatabase({ url });
      cleanups.push(() => db.$client.end());
      expect(db.$client).toBeInstanceOf(pg.Pool);
    }
    const cases: [unknown, string][] = [
      [{ url: "mysql://root:hunter2@host/db" }, "must be a postgres:// or postgresql:// URL"],
      [{ url: "file:local.db" }, "import createDatabase from @tetrastack/backend/database"],
      [{ url: "libsql://db-hunter2.turso.io" }, "import createDatabase from @tetrastack/backend/database"],
      [{ url: "" }, "is required"],
      [{}, "is required"],
      [{ url: "postgres://user:hunter2@[bad/db" }, "must be a postgres:// or postgresql:// URL"],
      [{ url: "postgres://u:hunter2@h/db", maxConnections: 0 }, "maxConnections"],
      [{ url: "postgres://u:hunter2@h/db", connectTimeoutMs: -1 }, "connectTimeoutMs"],
    ];
    for (const [options, message] of cases) {
      const error = await failure(() => createDatabase(options as never));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain("hunter2");
      expect(JSON.stringify(error)).not.toContain("hunter2");
    }
  });

  it("refuses a client with url options, an unknown client, and a schema that is not one", async () => {
    const lite = new PGlite();
    cleanups.push(() => lite.close());
    const both = await failure(() => createDatabase({ client: lite, url: "postgres://u:hunter2@h/db" } as never));
    expect(both).toBeInstanceOf(ConfigError);
    expect((both as ConfigError).issues[0]?.path).toBe("url");
    const unknown = await failure(() => createDatabase({ client: { query() {} } as never }));
    expect((unknown as ConfigError).issues[0]?.path).toBe("client");
    const badSchema = await failure(() => createDatabase({ client: lite, schema: 42 as never }));
    expect((badSchema as ConfigError).issues[0]?.path).toBe("schema");
  });
});

describe("the dialect seam", () => {
  it("/database's createDatabase sends a postgres:// URL to the PostgreSQL subpath, without echoing it", () => {
    for (const url of ["postgres://user:hunter2@host/db", "postgresql://user:hunter2@host/db"]) {
      let error: unknown;
      try {
        sqliteDatabase.createDatabase({ url });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("@tetrastack/backend/database/postgres");
      expect(JSON.stringify(error)).not.toContain("hunter2");
    }
  });

  it("each migrate refuses the other dialect's database and names the right import", async () => {
    const { db } = await fresh();
    const sqlite = await createTestDatabase();
    cleanups.push(sqlite.cleanup);
    const intoSqlite = await failure(() => sqliteDatabase.migrate(db as never));
    expect(intoSqlite).toBeInstanceOf(ValidationError);
    expect((intoSqlite as Error).message).toContain("@tetrastack/backend/database/postgres");
    const intoPostgres = await failure(() => migrate(sqlite.db as never));
    expect(intoPostgres).toBeInstanceOf(ValidationError);
    expect((intoPostgres as Error).message).toContain("import migrate from @tetrastack/backend/database");
    // /database's createDatabase({ client }) given a PostgreSQL client says where to go, too.
    const fromClient = await failure(() => sqliteDatabase.createDatabase({ client: db.$client as never }));
    expect((fromClient as Error).message).toContain("@tetrastack/backend/database/postgres");
  });

  it("refuses to migrate over Neon's HTTP driver (no transaction, no lock) before sending anything", async () => {
    const requests: string[] = [];
    // neon() would send the statements over HTTPS; a fetch that records instead proves none left.
    const fetchFunction = neonConfig.fetchFunction;
    neonConfig.fetchFunction = (url: string) => {
      requests.push(url);
      throw new Error("no network in tests");
    };
    cleanups.push(() => {
      neonConfig.fetchFunction = fetchFunction;
    });
    const db = await createDatabase({ client: neon("postgres://user:secret@ep-test.neon.tech/db") });
    // The recording fetch is the one neon() uses: a query goes through it (and fails there).
    await expect(db.select().from(users)).rejects.toThrow();
    expect(requests).toHaveLength(1);
    requests.length = 0;
    const error = await failure(() => migrate(db));
    expect(isTetrastackError(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toContain("Neon Pool");
    expect(requests).toEqual([]);
  });
});

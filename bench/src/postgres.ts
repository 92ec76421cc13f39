import { existsSync } from "node:fs";
import type { Database } from "@tetrastack/backend/database";
import { createDatabase, migrate } from "@tetrastack/backend/database/postgres";
import { uuidv7 } from "@tetrastack/backend/utils";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import pg from "pg";
// The throwaway server the package's tests start (Debian's PostgreSQL 15 binaries, 127.0.0.1, a
// free port, its own temp dir, stopped at the end or when the process exits), reused as is.
import {
  POSTGRES_BIN,
  type PostgresServer,
  startPostgresServer,
} from "../../packages/backend/test/engines/postgres-server.js";

// PostgreSQL for the bench: one local throwaway server for the run, started on first use and
// stopped by main.ts at the end; one database on it holds the package's tables (migrated by the
// package) and plain Auth.js's pgTable schema, as the libSQL file holds both in fixture.ts.

let server: Promise<PostgresServer> | undefined;

/** Why PostgreSQL cannot run here, or null when its binaries are present. */
export function postgresUnavailable(): string | null {
  // The same check the tests make, without their REQUIRE_EXTERNAL_TOOLS failure.
  return existsSync(`${POSTGRES_BIN}/initdb`) && existsSync(`${POSTGRES_BIN}/pg_ctl`)
    ? null
    : `no ${POSTGRES_BIN}/initdb (apt-get install postgresql, or set POSTGRES_BIN)`;
}

/** A new empty database on the run's server (started now if need be). */
export async function freshPostgresURL(): Promise<string> {
  server ??= startPostgresServer();
  return (await server).freshDatabase();
}

/** Stops the run's server, if one was started. */
export async function stopPostgres(): Promise<void> {
  const started = server;
  server = undefined;
  if (started) await (await started).stop();
}

/** The package's database on a fresh PostgreSQL database, migrated by the package itself. */
export async function packagePostgres(): Promise<{ url: string; db: Database }> {
  const url = await freshPostgresURL();
  const db = await createDatabase({ url });
  await migrate(db);
  await createPlainTables(db.$client);
  // The package's code types every database as libSQL's and works on both (its dialect seam).
  return { url, db: db as unknown as Database };
}

/** A pg Pool of its own, as another library (or the floor) would open it. */
export function pool(url: string): pg.Pool {
  const opened = new pg.Pool({ connectionString: url, max: 4 });
  opened.on("error", () => undefined);
  return opened;
}

// --- Plain Auth.js on PostgreSQL: @auth/drizzle-adapter's default pg tables, plus a password
// column on users for the credentials provider (the same recipe as fixture.ts on SQLite).

export const pgPlainUsers = pgTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: timestamp("emailVerified", { mode: "date" }),
  image: text("image"),
  password: text("password"),
});

export const pgPlainAccounts = pgTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => pgPlainUsers.id, { onDelete: "cascade" }),
    type: text("type").$type<"oauth" | "oidc" | "email" | "webauthn">().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: text("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (table) => [primaryKey({ columns: [table.provider, table.providerAccountId] })],
);

export const pgPlainSessions = pgTable("session", {
  sessionToken: text("sessionToken").primaryKey(),
  userId: text("userId")
    .notNull()
    .references(() => pgPlainUsers.id, { onDelete: "cascade" }),
  expires: timestamp("expires", { mode: "date" }).notNull(),
});

export const pgPlainVerificationTokens = pgTable(
  "verificationToken",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.identifier, table.token] })],
);

const PLAIN_DDL = `
CREATE TABLE "user" ("id" text PRIMARY KEY, "name" text, "email" text UNIQUE, "emailVerified" timestamp, "image" text, "password" text);
CREATE TABLE "account" ("userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text, "access_token" text, "expires_at" text, "token_type" text, "scope" text, "id_token" text, "session_state" text, PRIMARY KEY ("provider", "providerAccountId"));
CREATE TABLE "session" ("sessionToken" text PRIMARY KEY, "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "expires" timestamp NOT NULL);
CREATE TABLE "verificationToken" ("identifier" text NOT NULL, "token" text NOT NULL, "expires" timestamp NOT NULL, PRIMARY KEY ("identifier", "token"));
`;

async function createPlainTables(client: { query(text: string): Promise<unknown> }): Promise<void> {
  await client.query(PLAIN_DDL);
}

/** Drizzle over a pool of its own, as a plain Auth.js setup would open it. */
export function drizzlePg(opened: pg.Pool): NodePgDatabase<Record<string, never>> {
  return drizzle(opened);
}

/** Package users with a credentials account (as registerUser writes them), one hash for all. */
export async function seedPostgresUsers(
  opened: pg.Pool,
  emails: readonly string[],
  passwordHash: string,
  options: { plain: boolean },
): Promise<void> {
  const now = new Date();
  for (let start = 0; start < emails.length; start += 200) {
    const slice = emails.slice(start, start + 200);
    const ids = slice.map(() => uuidv7());
    const userArgs = slice.flatMap((email, i) => [ids[i], "Bench User", email, now, now]);
    await opened.query(
      `INSERT INTO users (id, name, email, created_at, updated_at) VALUES ${slice.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(", ")}`,
      userArgs,
    );
    const accountArgs = slice.flatMap((_, i) => [uuidv7(), ids[i], ids[i], passwordHash, now, now]);
    await opened.query(
      `INSERT INTO accounts (id, user_id, type, provider, provider_account_id, password_hash, created_at, updated_at) VALUES ${slice.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, 'credentials', 'credentials', $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`).join(", ")}`,
      accountArgs,
    );
    if (options.plain) {
      await opened.query(
        `INSERT INTO "user" (id, name, email, password) VALUES ${slice.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ")}`,
        slice.flatMap((email) => [crypto.randomUUID(), "Bench User", email, passwordHash]),
      );
    }
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { createDatabase, type Database, migrate } from "@tetrastack/backend/database";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The secret every contender signs with (long enough for production rules). */
export const SECRET = "bench-secret-for-tetrastack-0123456789abcdef0123456789";

/** A scratch directory for the run's database files, removed at the end. */
export function scratchDirectory(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-bench-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The package's database on a fresh libSQL file, migrated by the package itself. */
export async function packageDatabase(file: string): Promise<{ url: string; db: Database }> {
  const url = `file:${file}`;
  const db = createDatabase({ url });
  await migrate(db);
  return { url, db };
}

/** A second connection to the same file, for another library (each library opens its own). */
export function connect(url: string): Client {
  return createClient({ url, timeout: 5_000 } as Parameters<typeof createClient>[0]);
}

// --- Plain Auth.js: @auth/drizzle-adapter's default SQLite tables, plus a password column on
// users for the credentials provider (Auth.js has no place for one; this is the common recipe).

export const plainUsers = sqliteTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: integer("emailVerified", { mode: "timestamp_ms" }),
  image: text("image"),
  password: text("password"),
});

export const plainAccounts = sqliteTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => plainUsers.id, { onDelete: "cascade" }),
    type: text("type").$type<"oauth" | "oidc" | "email" | "webauthn">().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (table) => [primaryKey({ columns: [table.provider, table.providerAccountId] })],
);

export const plainSessions = sqliteTable("session", {
  sessionToken: text("sessionToken").primaryKey(),
  userId: text("userId")
    .notNull()
    .references(() => plainUsers.id, { onDelete: "cascade" }),
  expires: integer("expires", { mode: "timestamp_ms" }).notNull(),
});

export const plainVerificationTokens = sqliteTable(
  "verificationToken",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: integer("expires", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.identifier, table.token] })],
);

const PLAIN_DDL = [
  `CREATE TABLE "user" ("id" text PRIMARY KEY NOT NULL, "name" text, "email" text UNIQUE, "emailVerified" integer, "image" text, "password" text)`,
  `CREATE TABLE "account" ("userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "type" text NOT NULL, "provider" text NOT NULL, "providerAccountId" text NOT NULL, "refresh_token" text, "access_token" text, "expires_at" integer, "token_type" text, "scope" text, "id_token" text, "session_state" text, PRIMARY KEY ("provider", "providerAccountId"))`,
  `CREATE TABLE "session" ("sessionToken" text PRIMARY KEY NOT NULL, "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "expires" integer NOT NULL)`,
  `CREATE TABLE "verificationToken" ("identifier" text NOT NULL, "token" text NOT NULL, "expires" integer NOT NULL, PRIMARY KEY ("identifier", "token"))`,
  `CREATE TABLE "authenticator" ("credentialID" text NOT NULL UNIQUE, "userId" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "providerAccountId" text NOT NULL, "credentialPublicKey" text NOT NULL, "counter" integer NOT NULL, "credentialDeviceType" text NOT NULL, "credentialBackedUp" integer NOT NULL, "transports" text, PRIMARY KEY ("userId", "credentialID"))`,
];

// --- better-auth: its four core models (user, session, account, verification) as its CLI
// generates them for Drizzle/SQLite, under a `ba_` prefix so they share the file with the others.

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();
const updatedAt = () => integer("updated_at", { mode: "timestamp_ms" }).notNull();

export const baUser = sqliteTable("ba_user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const baSession = sqliteTable(
  "ba_session",
  {
    id: text("id").primaryKey(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    token: text("token").notNull().unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => baUser.id, { onDelete: "cascade" }),
  },
  (table) => [index("ba_session_user_id_idx").on(table.userId)],
);

export const baAccount = sqliteTable(
  "ba_account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => baUser.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: integer("access_token_expires_at", { mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer("refresh_token_expires_at", { mode: "timestamp_ms" }),
    scope: text("scope"),
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("ba_account_user_id_idx").on(table.userId)],
);

export const baVerification = sqliteTable(
  "ba_verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("ba_verification_identifier_idx").on(table.identifier)],
);

const BETTER_AUTH_DDL = [
  `CREATE TABLE "ba_user" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "email" text NOT NULL UNIQUE, "email_verified" integer DEFAULT false NOT NULL, "image" text, "created_at" integer NOT NULL, "updated_at" integer NOT NULL)`,
  `CREATE TABLE "ba_session" ("id" text PRIMARY KEY NOT NULL, "expires_at" integer NOT NULL, "token" text NOT NULL UNIQUE, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "ip_address" text, "user_agent" text, "user_id" text NOT NULL REFERENCES "ba_user"("id") ON DELETE cascade)`,
  `CREATE INDEX "ba_session_user_id_idx" ON "ba_session" ("user_id")`,
  `CREATE TABLE "ba_account" ("id" text PRIMARY KEY NOT NULL, "account_id" text NOT NULL, "provider_id" text NOT NULL, "user_id" text NOT NULL REFERENCES "ba_user"("id") ON DELETE cascade, "access_token" text, "refresh_token" text, "id_token" text, "access_token_expires_at" integer, "refresh_token_expires_at" integer, "scope" text, "password" text, "created_at" integer NOT NULL, "updated_at" integer NOT NULL)`,
  `CREATE INDEX "ba_account_user_id_idx" ON "ba_account" ("user_id")`,
  `CREATE TABLE "ba_verification" ("id" text PRIMARY KEY NOT NULL, "identifier" text NOT NULL, "value" text NOT NULL, "expires_at" integer NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL)`,
  `CREATE INDEX "ba_verification_identifier_idx" ON "ba_verification" ("identifier")`,
];

/** Creates the plain Auth.js and better-auth tables next to the package's. */
export async function createContenderTables(client: Client): Promise<void> {
  await client.batch([...PLAIN_DDL, ...BETTER_AUTH_DDL], "write");
}

/** Drizzle over a connection of its own, as each plain setup would open it. */
export function drizzleOn(client: Client): LibSQLDatabase<Record<string, never>> {
  return drizzle(client);
}

import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { DialectName } from "../database/dialect.js";
import * as postgres from "../database/postgres/tables.js";
import * as sqlite from "../database/tables.js";

/**
 * The Drizzle database `/auth` works on: libSQL (`createDatabase()` from `/database`) or
 * PostgreSQL (`createDatabase()` from `/database/postgres`), with your extended schema.
 */
export type AuthDatabase =
  // biome-ignore lint/suspicious/noExplicitAny: any schema: the consumer's extended schema is welcome.
  LibSQLDatabase<any> | PgDatabase<PgQueryResultHKT, any>;

/**
 * The tables `/auth` uses on libSQL. Defaults to the package's own; pass your extended versions
 * (same property names, extra columns allowed). A `role` column on users reaches `session.user.role`.
 */
export interface AuthTables {
  users: typeof sqlite.users;
  accounts: typeof sqlite.accounts;
  sessions: typeof sqlite.sessions;
  verificationTokens: typeof sqlite.verificationTokens;
  authenticators: typeof sqlite.authenticators;
  rateLimits: typeof sqlite.rateLimits;
  organizations: typeof sqlite.organizations;
  members: typeof sqlite.members;
  invitations: typeof sqlite.invitations;
  auditEvents: typeof sqlite.auditEvents;
  jwks: typeof sqlite.jwks;
  refreshTokens: typeof sqlite.refreshTokens;
  apiKeys: typeof sqlite.apiKeys;
}

/** The tables `/auth` uses on PostgreSQL: {@link AuthTables} from `/database/postgres`. */
export interface PostgresAuthTables {
  users: typeof postgres.users;
  accounts: typeof postgres.accounts;
  sessions: typeof postgres.sessions;
  verificationTokens: typeof postgres.verificationTokens;
  authenticators: typeof postgres.authenticators;
  rateLimits: typeof postgres.rateLimits;
  organizations: typeof postgres.organizations;
  members: typeof postgres.members;
  invitations: typeof postgres.invitations;
  auditEvents: typeof postgres.auditEvents;
  jwks: typeof postgres.jwks;
  refreshTokens: typeof postgres.refreshTokens;
  apiKeys: typeof postgres.apiKeys;
}

/** A users row as `/auth` reads it (the same on both dialects). */
export type AuthUser = AuthTables["users"]["$inferSelect"];

/**
 * @internal The package's own tables of a dialect, which `tables` overrides one by one. The code
 * of `/auth` is typed against the libSQL tables; the PostgreSQL twins have the same property
 * names, nullability and value types (checked by src/database/postgres/tables.test.ts), and the
 * queries are built with drizzle's dialect-neutral builders, so they serve as the same shape.
 */
export function defaultTables(dialect: DialectName): AuthTables {
  const t = dialect === "postgres" ? postgres : sqlite;
  return {
    users: t.users,
    accounts: t.accounts,
    sessions: t.sessions,
    verificationTokens: t.verificationTokens,
    authenticators: t.authenticators,
    rateLimits: t.rateLimits,
    organizations: t.organizations,
    members: t.members,
    invitations: t.invitations,
    auditEvents: t.auditEvents,
    jwks: t.jwks,
    refreshTokens: t.refreshTokens,
    apiKeys: t.apiKeys,
  } as AuthTables;
}

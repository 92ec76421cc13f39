import type { LibSQLDatabase } from "drizzle-orm/libsql";
import { accounts, authenticators, rateLimits, sessions, users, verificationTokens } from "../database/tables.js";

/** The Drizzle libSQL database `/auth` works on, e.g. `createDatabase()` from `/database`. */
// biome-ignore lint/suspicious/noExplicitAny: any schema: the consumer's extended schema is welcome.
export type AuthDatabase = LibSQLDatabase<any>;

/**
 * The tables `/auth` uses. Defaults to the package's own; pass your extended versions (same
 * property names, extra columns allowed). A `role` column on users reaches `session.user.role`.
 */
export interface AuthTables {
  users: typeof users;
  accounts: typeof accounts;
  sessions: typeof sessions;
  verificationTokens: typeof verificationTokens;
  authenticators: typeof authenticators;
  rateLimits: typeof rateLimits;
}

/** A users row as `/auth` reads it. */
export type AuthUser = AuthTables["users"]["$inferSelect"];

/** @internal The package's own tables, which `tables` overrides one by one. */
export const DEFAULT_TABLES: AuthTables = { users, accounts, sessions, verificationTokens, authenticators, rateLimits };

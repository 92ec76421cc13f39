/**
 * `@tetrastack/backend/database`: the Drizzle schema (libSQL/SQLite) for users, accounts,
 * sessions, verification tokens, authenticators and uploads; column helpers for your own tables;
 * a client factory and a migrator that is safe to run from several processes at once.
 * @module
 */

export {
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  isTetrastackError,
  TetrastackError,
  ValidationError,
} from "../shared/errors.js";
export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  DEFAULT_DATABASE_URL,
  databaseOptionsSchema,
  schema,
} from "./client.js";
export { id, timestamps } from "./columns.js";
export { catchConflict, isDatabaseBusy, toConflictError, toDatabaseError } from "./errors.js";
export {
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
  PACKAGE_MIGRATIONS_TABLE,
  packageMigrationList,
} from "./migrate.js";
export {
  type AccountType,
  accounts,
  accountsRelations,
  apiKeys,
  authenticators,
  authenticatorsRelations,
  extendUsersRelations,
  jwks,
  rateLimits,
  refreshTokens,
  type SigningAlgorithm,
  sessions,
  sessionsRelations,
  type TokenPurpose,
  type UploadStatus,
  uploads,
  uploadsRelations,
  userId,
  users,
  usersRelations,
  verificationTokens,
  verificationTokensRelations,
} from "./tables.js";

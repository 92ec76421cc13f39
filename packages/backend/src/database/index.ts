/**
 * `@tetrastack/backend/database`: the Drizzle schema (libSQL/SQLite) for users, accounts,
 * sessions, verification tokens, authenticators, uploads, organizations (members, invitations) and
 * the audit log; column helpers for your own tables; a client factory, a migrator that is safe to
 * run from several processes at once, and a health route handler.
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
  createHealthHandler,
  type HealthHandler,
  type HealthHandlerOptions,
  type HealthReason,
  type HealthReport,
  healthHandlerOptionsSchema,
} from "./health-handler.js";
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
  type AuditDetails,
  accounts,
  accountsRelations,
  apiKeys,
  auditEvents,
  authenticators,
  authenticatorsRelations,
  extendUsersRelations,
  type InvitationStatus,
  invitations,
  invitationsRelations,
  jwks,
  members,
  membersRelations,
  type OrganizationMetadata,
  organizationId,
  organizations,
  organizationsRelations,
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

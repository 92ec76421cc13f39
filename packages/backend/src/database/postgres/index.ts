/**
 * `@tetrastack/backend/database/postgres`: the same schema as `@tetrastack/backend/database` (the
 * same tables, columns, indexes and TypeScript names) for PostgreSQL — Neon, Supabase, RDS or
 * your own server — with column helpers for your own `pgTable`s, a client factory over the
 * driver you already use, a migrator that is safe to run from several processes at once, and a
 * health route handler.
 * @module
 */

export {
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  isTetrastackError,
  TetrastackError,
  ValidationError,
} from "../../shared/errors.js";
export { catchConflict, isDatabaseBusy, toConflictError, toDatabaseError } from "../errors.js";
export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  databaseOptionsSchema,
  type PostgresClient,
  schema,
} from "./client.js";
export { id, timestamps } from "./columns.js";
export {
  createHealthHandler,
  type HealthHandler,
  type HealthHandlerOptions,
  type HealthReason,
  type HealthReport,
  healthHandlerOptionsSchema,
} from "./health.js";
export {
  type MigratableDatabase,
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

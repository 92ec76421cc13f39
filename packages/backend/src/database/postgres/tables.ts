import { type Relation, sql, type TableRelationsHelpers } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "../../utils/uuidv7.js";
import {
  type AccountType,
  type AuditDetails,
  checkColumnName,
  INVITATION_STATUSES,
  type InvitationStatus,
  insertInstant,
  type OrganizationMetadata,
  packageRelations,
  type SigningAlgorithm,
  type TokenPurpose,
  UPLOAD_STATUSES,
  type UploadStatus,
} from "../model.js";
import { id, instant, timestamps } from "./columns.js";

// The PostgreSQL twin of ../tables.ts: the same table, column and index names and the same
// TypeScript property names (the Auth.js adapter addresses columns by them), with PostgreSQL's
// own types: `uuid` ids, `timestamptz` times, `boolean`. tables.test.ts keeps the two in step.

export type {
  AccountType,
  AuditDetails,
  InvitationStatus,
  OrganizationMetadata,
  SigningAlgorithm,
  TokenPurpose,
  UploadStatus,
} from "../model.js";

/**
 * People who can sign in. Property names are the ones `@auth/drizzle-adapter` expects; the id is
 * a UUIDv7 made here (the random v4 id Auth.js passes in is ignored). `email` is unique without
 * regard to case: store it lower-cased, as `/auth` does.
 */
export const users = pgTable(
  "users",
  {
    id: id(),
    name: text("name"),
    email: text("email"),
    emailVerified: instant("email_verified"),
    image: text("image"),
    ...timestamps(),
  },
  (table) => [
    // Unique without regard to case; the plain index serves the adapter's exact-match lookups.
    uniqueIndex("users_email_lower_unique").on(sql`lower(${table.email})`),
    index("users_email_idx").on(table.email),
  ],
);

/**
 * A `user_id` column (`uuid`) referencing `users.id`, deleted with the user. Index it in your
 * table's extra config, as every foreign key here is.
 *
 * @example
 * const notes = pgTable("notes", { id: id(), userId: userId(), ...timestamps() },
 *   (t) => [index("notes_user_id_idx").on(t.userId)])
 */
export function userId(name = "user_id") {
  checkColumnName("userId", name);
  return uuid(name)
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });
}

/**
 * Sign-in methods linked to a user: one row per OAuth/OIDC provider account, and one
 * `provider = "credentials"` row (`providerAccountId` = the user id) holding the password hash of
 * a user who has a password (see the SQLite schema for why it lives here).
 */
export const accounts = pgTable(
  "accounts",
  {
    id: id(),
    userId: userId(),
    type: text("type").$type<AccountType>().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    // Seconds since the epoch, as OAuth providers give it (Auth.js's own PostgreSQL schema: integer).
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
    /** Password hash (PHC string: `$scrypt$ln=17,r=8,p=1$salt$hash`) on the credentials row; null elsewhere. */
    passwordHash: text("password_hash"),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("accounts_provider_account_unique").on(table.provider, table.providerAccountId),
    index("accounts_user_id_idx").on(table.userId),
  ],
);

/**
 * Database sessions. `sessionToken` holds what the adapter is given; `/auth` gives it the SHA-256
 * of the cookie's token, never the token itself. `updatedAt` moves whenever the session slides.
 */
export const sessions = pgTable(
  "sessions",
  {
    // The adapter's type requires the token to be the primary key; `id` names a session safely.
    sessionToken: text("session_token").primaryKey(),
    id: uuid("id")
      .notNull()
      .$defaultFn(() => uuidv7()),
    userId: userId(),
    expires: instant("expires").notNull(),
    /** Client address seen at sign-in (as the rate limiter derives it), for "your sessions" lists. */
    ipAddress: text("ip_address"),
    /** `User-Agent` seen at sign-in, cut to 512 characters. */
    userAgent: text("user_agent"),
    /** The organization this session works in (`setActiveOrganization`); null when none. */
    activeOrganizationId: uuid("active_organization_id").references(() => organizations.id, {
      onDelete: "set null",
    }),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("sessions_id_unique").on(table.id),
    index("sessions_user_id_idx").on(table.userId),
    index("sessions_expires_idx").on(table.expires),
    index("sessions_active_organization_id_idx").on(table.activeOrganizationId),
  ],
);

/**
 * One-time tokens: email sign-in links and the account flows of `/auth`. `token` holds the
 * SHA-256 of the link's token, never the token; `identifier` is the email the link was sent to.
 */
export const verificationTokens = pgTable(
  "verification_tokens",
  {
    id: id(),
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: instant("expires").notNull(),
    /** The only flow that accepts this token. */
    purpose: text("purpose").$type<TokenPurpose>().notNull().default("sign-in"),
    /** The user the token acts on, when it acts on an existing user; deleted with the user. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("verification_tokens_identifier_token_unique").on(table.identifier, table.token),
    index("verification_tokens_token_idx").on(table.token),
    index("verification_tokens_user_id_purpose_idx").on(table.userId, table.purpose),
    index("verification_tokens_expires_idx").on(table.expires),
  ],
);

/**
 * Counters of the rate limiter and of the per-account sign-in lockout of `/auth`, shared by every
 * app instance on the database. `key` is a bucket name plus a SHA-256 of the IP or email.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    id: id(),
    key: text("key").notNull(),
    /** Hits in the current window, or consecutive failed sign-ins for a lockout row. */
    count: integer("count").notNull(),
    /** When the window ends (for a lockout row: when its failures are forgotten). */
    resetAt: instant("reset_at").notNull(),
    /** Lockout rows only: sign-in is refused until then. */
    lockedUntil: instant("locked_until"),
    ...timestamps(),
  },
  (table) => [uniqueIndex("rate_limits_key_unique").on(table.key), index("rate_limits_reset_at_idx").on(table.resetAt)],
);

/** WebAuthn credentials (passkeys) of a user. */
export const authenticators = pgTable(
  "authenticators",
  {
    id: id(),
    credentialID: text("credential_id").notNull(),
    userId: userId(),
    providerAccountId: text("provider_account_id").notNull(),
    credentialPublicKey: text("credential_public_key").notNull(),
    counter: integer("counter").notNull(),
    credentialDeviceType: text("credential_device_type").notNull(),
    credentialBackedUp: boolean("credential_backed_up").notNull(),
    transports: text("transports"),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("authenticators_credential_id_unique").on(table.credentialID),
    index("authenticators_user_id_idx").on(table.userId),
  ],
);

/** Files users upload to object storage (R2), tracked from signing to deletion by `/uploads`. */
export const uploads = pgTable(
  "uploads",
  {
    id: id(),
    ownerId: userId("owner_id"),
    key: text("key").notNull(),
    policy: text("policy").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    // 64-bit like SQLite's integer: multipart uploads pass PostgreSQL's 2 GiB `integer`.
    size: bigint("size", { mode: "number" }).notNull(),
    status: text("status", { enum: UPLOAD_STATUSES }).$type<UploadStatus>().notNull().default("pending"),
    etag: text("etag"),
    /** The organization that owns the upload, if any; deleted with the organization. */
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("uploads_key_unique").on(table.key),
    index("uploads_owner_id_created_at_idx").on(table.ownerId, table.createdAt),
    index("uploads_status_created_at_idx").on(table.status, table.createdAt),
    index("uploads_organization_id_created_at_idx").on(table.organizationId, table.createdAt),
  ],
);

/**
 * Tenants that own data and that users belong to through `members`; `slug` is unique. Deleting
 * an organization deletes its members, invitations and everything an `organizationId()` column
 * ties to it (see the SQLite schema).
 */
export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** A small JSON object of your own. Never secrets. */
    metadata: jsonb("metadata").$type<OrganizationMetadata>(),
    ...timestamps(),
  },
  (table) => [uniqueIndex("organizations_slug_unique").on(table.slug)],
);

/**
 * An `organization_id` column (`uuid`) referencing `organizations.id`, deleted with the
 * organization: the tenant owner of a row of yours. Index it in your table's extra config.
 *
 * @example
 * const projects = pgTable("projects", { id: id(), organizationId: organizationId(), name: text("name").notNull(), ...timestamps() },
 *   (t) => [index("projects_organization_id_idx").on(t.organizationId)])
 */
export function organizationId(name = "organization_id") {
  checkColumnName("organizationId", name);
  return uuid(name)
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });
}

/** Who belongs to an organization, with which role: one row per organization and user. */
export const members = pgTable(
  "members",
  {
    id: id(),
    organizationId: organizationId(),
    userId: userId(),
    role: text("role").notNull(),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("members_organization_id_user_id_unique").on(table.organizationId, table.userId),
    index("members_user_id_idx").on(table.userId),
    index("members_organization_id_role_idx").on(table.organizationId, table.role),
  ],
);

/**
 * Invitations to join an organization, by email; the link's token lives only as a hash in
 * `verification_tokens` (purpose `organization-invitation`, `identifier` = this row's id).
 */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    organizationId: organizationId(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    inviterId: uuid("inviter_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: INVITATION_STATUSES }).$type<InvitationStatus>().notNull().default("pending"),
    expiresAt: instant("expires_at").notNull(),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("invitations_organization_id_email_pending_unique")
      .on(table.organizationId, table.email)
      .where(sql`status = 'pending'`),
    index("invitations_organization_id_status_idx").on(table.organizationId, table.status),
    index("invitations_email_status_idx").on(table.email, table.status),
    index("invitations_inviter_id_idx").on(table.inviterId),
  ],
);

/** The audit log of security events (see the SQLite schema); ids without foreign keys, append-only. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: id(),
    /** What happened, such as `user.signed_in` or `member.role_changed`. */
    action: text("action").notNull(),
    actorId: uuid("actor_id"),
    userId: uuid("user_id"),
    organizationId: uuid("organization_id"),
    /** What the action was done to (`session`, `member`, `invitation`…) and its id. */
    targetType: text("target_type"),
    targetId: text("target_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** Small JSON details (the roles of a role change, a count…). */
    details: jsonb("details").$type<AuditDetails>(),
    createdAt: instant("created_at").notNull().$defaultFn(insertInstant),
  },
  (table) => [
    index("audit_events_user_id_created_at_idx").on(table.userId, table.createdAt, table.id),
    index("audit_events_organization_id_created_at_idx").on(table.organizationId, table.createdAt, table.id),
    index("audit_events_created_at_idx").on(table.createdAt),
  ],
);

/**
 * Signing keys of the access tokens `/auth` issues with an asymmetric algorithm: the public JWK,
 * the private JWK encrypted under a key derived from `AUTH_SECRET`, and a unique `slot` per
 * rotation period (see the SQLite schema).
 */
export const jwks = pgTable(
  "jwks",
  {
    id: id(),
    /** The JWK thumbprint (RFC 7638) of the public key: the `kid` of the tokens it signs. */
    kid: text("kid").notNull(),
    algorithm: text("algorithm").$type<SigningAlgorithm>().notNull(),
    publicKey: text("public_key").notNull(),
    privateKey: text("private_key").notNull(),
    slot: text("slot").notNull(),
    notBefore: instant("not_before").notNull(),
    notAfter: instant("not_after").notNull(),
    expiresAt: instant("expires_at").notNull(),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("jwks_kid_unique").on(table.kid),
    uniqueIndex("jwks_slot_unique").on(table.slot),
    index("jwks_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * Refresh tokens of `/auth`: single use, bound to their session, only hashes stored (see the
 * SQLite schema for every column's role).
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull(),
    userId: userId(),
    familyId: uuid("family_id").notNull(),
    sessionId: uuid("session_id").references(() => sessions.id, { onDelete: "set null" }),
    parentId: uuid("parent_id"),
    handoff: text("handoff"),
    /** When this token stops working if unused (each refresh starts a new one). */
    expiresAt: instant("expires_at").notNull(),
    /** When the family stops working however often it is refreshed (the absolute lifetime). */
    familyExpiresAt: instant("family_expires_at").notNull(),
    usedAt: instant("used_at"),
    revokedAt: instant("revoked_at"),
    /** Set when this token was presented again after it was used: the family was ended then. */
    reuseDetectedAt: instant("reuse_detected_at"),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("refresh_tokens_token_hash_unique").on(table.tokenHash),
    uniqueIndex("refresh_tokens_parent_id_unique").on(table.parentId),
    index("refresh_tokens_user_id_idx").on(table.userId),
    index("refresh_tokens_family_id_idx").on(table.familyId),
    index("refresh_tokens_session_id_idx").on(table.sessionId),
    index("refresh_tokens_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * API keys of `/auth`: only the SHA-256 of a key is stored, with its prefix and last four
 * characters for display (see the SQLite schema).
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    userId: userId(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    lastFour: text("last_four").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    expiresAt: instant("expires_at"),
    lastUsedAt: instant("last_used_at"),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("api_keys_key_hash_unique").on(table.keyHash),
    index("api_keys_user_id_idx").on(table.userId),
  ],
);

const relationsOf = packageRelations({
  users,
  accounts,
  sessions,
  authenticators,
  verificationTokens,
  uploads,
  organizations,
  members,
  invitations,
});

/** Relations for Drizzle's relational queries (`db.query.users.findFirst({ with: { sessions: true } })`). */
export const usersRelations = relationsOf.usersRelations;

/**
 * The package's user relations plus your own, for relational queries from `users` to your tables.
 * Export the result as `usersRelations` from your schema so it replaces the package's entry when
 * you spread both schemas (Drizzle wants one relations object per table).
 *
 * @example
 * export const usersRelations = extendUsersRelations(({ many }) => ({ notes: many(notes) }))
 * const db = await createDatabase({ url, schema: { ...schema, ...appSchema } })
 */
export function extendUsersRelations<TExtra extends Record<string, Relation>>(
  extra: (helpers: TableRelationsHelpers<"users">) => TExtra,
) {
  return relationsOf.extendUsersRelations(extra);
}

/** @see usersRelations */
export const accountsRelations = relationsOf.accountsRelations;

/** @see usersRelations */
export const sessionsRelations = relationsOf.sessionsRelations;

/** @see usersRelations */
export const authenticatorsRelations = relationsOf.authenticatorsRelations;

/** @see usersRelations */
export const verificationTokensRelations = relationsOf.verificationTokensRelations;

/** @see usersRelations */
export const uploadsRelations = relationsOf.uploadsRelations;

/** @see usersRelations */
export const organizationsRelations = relationsOf.organizationsRelations;

/** @see usersRelations */
export const membersRelations = relationsOf.membersRelations;

/** @see usersRelations */
export const invitationsRelations = relationsOf.invitationsRelations;

import { type Relation, sql, type TableRelationsHelpers } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { uuidv7 } from "../utils/uuidv7.js";
import { id, timestamps } from "./columns.js";
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
} from "./model.js";

export type {
  AccountType,
  AuditDetails,
  InvitationStatus,
  OrganizationMetadata,
  SigningAlgorithm,
  TokenPurpose,
  UploadStatus,
} from "./model.js";

/**
 * People who can sign in. Property names are the ones `@auth/drizzle-adapter` expects; the id is
 * a UUIDv7 made here (the random v4 id Auth.js passes in is ignored). `email` is unique without
 * regard to case: store it lower-cased, as `/auth` does.
 */
export const users = sqliteTable(
  "users",
  {
    id: id(),
    name: text("name"),
    email: text("email"),
    emailVerified: integer("email_verified", { mode: "timestamp_ms" }),
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
 * A `user_id` column referencing `users.id`, deleted with the user. Index it in your table's
 * extra config, as every foreign key here is.
 *
 * @example
 * const notes = sqliteTable("notes", { id: id(), userId: userId(), ...timestamps() },
 *   (t) => [index("notes_user_id_idx").on(t.userId)])
 */
export function userId(name = "user_id") {
  checkColumnName("userId", name);
  return text(name)
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });
}

/**
 * Sign-in methods linked to a user: one row per OAuth/OIDC provider account, and one
 * `provider = "credentials"` row (`providerAccountId` = the user id) holding the password hash of
 * a user who has a password. The hash lives here rather than on `users` because Auth.js hands the
 * whole users row to every callback, event and session lookup; accounts rows never leave the
 * adapter, and a user without a password simply has no such row.
 */
export const accounts = sqliteTable(
  "accounts",
  {
    id: id(),
    userId: userId(),
    type: text("type").$type<AccountType>().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
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
export const sessions = sqliteTable(
  "sessions",
  {
    // The adapter's type requires the token to be the primary key; `id` names a session safely
    // (listing, revoking) without exposing even the token's hash.
    sessionToken: text("session_token").primaryKey(),
    id: text("id")
      .notNull()
      .$defaultFn(() => uuidv7()),
    userId: userId(),
    expires: integer("expires", { mode: "timestamp_ms" }).notNull(),
    /** Client address seen at sign-in (as the rate limiter derives it), for "your sessions" lists. */
    ipAddress: text("ip_address"),
    /** `User-Agent` seen at sign-in, cut to 512 characters. */
    userAgent: text("user_agent"),
    /**
     * The organization this session works in (`setActiveOrganization`), resolved with the session
     * in the same query; null when none, and set to null when the organization is deleted.
     */
    activeOrganizationId: text("active_organization_id").references(() => organizations.id, {
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
 * One-time tokens: email sign-in links (Auth.js's email provider) and the account flows of
 * `/auth` (email verification, password reset, email change, account deletion). `token` holds the
 * SHA-256 of the link's token, never the token. `identifier` is the email the link was sent to
 * (for an email change: the new address). Rows written by `@auth/drizzle-adapter` itself get
 * `purpose = "sign-in"` and no `userId`.
 */
export const verificationTokens = sqliteTable(
  "verification_tokens",
  {
    id: id(),
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: integer("expires", { mode: "timestamp_ms" }).notNull(),
    /** The only flow that accepts this token. */
    purpose: text("purpose").$type<TokenPurpose>().notNull().default("sign-in"),
    /** The user the token acts on, when it acts on an existing user; deleted with the user. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
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
 * app instance on the database. `key` is a bucket name plus a SHA-256 of the IP or email, so no
 * address is stored in clear. Rows past `resetAt` (and `lockedUntil`) are dead and may be pruned.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    id: id(),
    key: text("key").notNull(),
    /** Hits in the current window, or consecutive failed sign-ins for a lockout row. */
    count: integer("count").notNull(),
    /** When the window ends (for a lockout row: when its failures are forgotten). */
    resetAt: integer("reset_at", { mode: "timestamp_ms" }).notNull(),
    /** Lockout rows only: sign-in is refused until then. */
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    ...timestamps(),
  },
  (table) => [uniqueIndex("rate_limits_key_unique").on(table.key), index("rate_limits_reset_at_idx").on(table.resetAt)],
);

/** WebAuthn credentials (passkeys) of a user. */
export const authenticators = sqliteTable(
  "authenticators",
  {
    id: id(),
    credentialID: text("credential_id").notNull(),
    userId: userId(),
    providerAccountId: text("provider_account_id").notNull(),
    credentialPublicKey: text("credential_public_key").notNull(),
    counter: integer("counter").notNull(),
    credentialDeviceType: text("credential_device_type").notNull(),
    credentialBackedUp: integer("credential_backed_up", { mode: "boolean" }).notNull(),
    transports: text("transports"),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("authenticators_credential_id_unique").on(table.credentialID),
    index("authenticators_user_id_idx").on(table.userId),
  ],
);

/** Files users upload to object storage (R2), tracked from signing to deletion by `/uploads`. */
export const uploads = sqliteTable(
  "uploads",
  {
    id: id(),
    ownerId: userId("owner_id"),
    key: text("key").notNull(),
    policy: text("policy").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    status: text("status", { enum: UPLOAD_STATUSES }).$type<UploadStatus>().notNull().default("pending"),
    etag: text("etag"),
    /**
     * The organization that owns the upload, if any (`ownerId` is then the member who uploaded
     * it); deleted with the organization.
     */
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
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
 * Tenants (a team, a workspace, a gym…) that own data and that users belong to through
 * `members`. `slug` is unique, for URLs; `/auth` makes it with `slugify` from the name unless
 * one is given. Deleting an organization deletes its members, invitations and everything an
 * `organizationId()` column ties to it.
 */
export const organizations = sqliteTable(
  "organizations",
  {
    id: id(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** A small JSON object of your own. Never secrets. */
    metadata: text("metadata", { mode: "json" }).$type<OrganizationMetadata>(),
    ...timestamps(),
  },
  (table) => [uniqueIndex("organizations_slug_unique").on(table.slug)],
);

/**
 * An `organization_id` column referencing `organizations.id`, deleted with the organization: the
 * tenant owner of a row of yours, as `userId()` makes a user its owner. Index it in your table's
 * extra config (lead the index with it: lookups and the cascade use it).
 *
 * @example
 * const projects = sqliteTable("projects", { id: id(), organizationId: organizationId(), name: text("name").notNull(), ...timestamps() },
 *   (t) => [index("projects_organization_id_idx").on(t.organizationId)])
 */
export function organizationId(name = "organization_id") {
  checkColumnName("organizationId", name);
  return text(name)
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });
}

/**
 * Who belongs to an organization, with which role (`owner`, `admin`, `member` or one of your
 * roles): one row per organization and user. Deleted with either.
 */
export const members = sqliteTable(
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
 * Invitations to join an organization, by email (normalised). The link's token is not here: the
 * one-time-token store keeps only its SHA-256 (`verification_tokens`, purpose
 * `organization-invitation`, `identifier` = this row's id). At most one pending invitation per
 * organization and address; `inviterId` becomes null when the inviter's account is deleted.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: id(),
    organizationId: organizationId(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    inviterId: text("inviter_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: INVITATION_STATUSES }).$type<InvitationStatus>().notNull().default("pending"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
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

/**
 * The audit log of security events: sign-ins, password and email changes, revoked sessions,
 * deleted accounts, and every change to organizations, members, roles and invitations. Written
 * in the same transaction as the change it records; append-only. `userId` is the account the
 * event concerns, `actorId` who acted (null: nobody signed in, or the system). Ids are kept
 * without foreign keys so that the events outlive what they describe; `prune()` removes events
 * past the retention. Never holds a secret (no token, hash or password).
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: id(),
    /** What happened, such as `user.signed_in` or `member.role_changed`. */
    action: text("action").notNull(),
    actorId: text("actor_id"),
    userId: text("user_id"),
    organizationId: text("organization_id"),
    /** What the action was done to (`session`, `member`, `invitation`…) and its id. */
    targetType: text("target_type"),
    targetId: text("target_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** Small JSON details (the roles of a role change, a count…). */
    details: text("details", { mode: "json" }).$type<AuditDetails>(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().$defaultFn(insertInstant),
  },
  (table) => [
    index("audit_events_user_id_created_at_idx").on(table.userId, table.createdAt, table.id),
    index("audit_events_organization_id_created_at_idx").on(table.organizationId, table.createdAt, table.id),
    index("audit_events_created_at_idx").on(table.createdAt),
  ],
);

/**
 * Signing keys of the access tokens `/auth` issues with an asymmetric algorithm. `publicKey` is
 * the public JWK that `/jwks` serves; `privateKey` is the private JWK encrypted with AES-256-GCM
 * under a key derived from `AUTH_SECRET` (HKDF), so a copy of the table signs nothing. A key signs
 * from `notBefore` to `notAfter` and is published (and accepted) until `expiresAt`. `slot` names
 * the rotation period a key was made for and is unique: instances that create keys at the same
 * moment agree on one key per period instead of each adding its own.
 */
export const jwks = sqliteTable(
  "jwks",
  {
    id: id(),
    /** The JWK thumbprint (RFC 7638) of the public key: the `kid` of the tokens it signs. */
    kid: text("kid").notNull(),
    algorithm: text("algorithm").$type<SigningAlgorithm>().notNull(),
    publicKey: text("public_key").notNull(),
    privateKey: text("private_key").notNull(),
    slot: text("slot").notNull(),
    notBefore: integer("not_before", { mode: "timestamp_ms" }).notNull(),
    notAfter: integer("not_after", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    ...timestamps(),
  },
  (table) => [
    uniqueIndex("jwks_kid_unique").on(table.kid),
    uniqueIndex("jwks_slot_unique").on(table.slot),
    index("jwks_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * Refresh tokens of `/auth`: single use, each bound to the session it refreshes. `tokenHash` is
 * the SHA-256 of the token, never the token. A refresh consumes a token and adds its successor
 * (`parentId`, unique: a token has at most one); `familyId` is the session all of them descend
 * from, kept when the session row is gone (`sessionId` becomes null), so that presenting a used
 * token again is recognised, recorded (`reuseDetectedAt`) and ends the family. `handoff` holds
 * the successor encrypted under a key derived from the parent token itself (which is not
 * stored), so a client that retries a refresh within the grace period gets the same successor.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull(),
    userId: userId(),
    familyId: text("family_id").notNull(),
    sessionId: text("session_id").references(() => sessions.id, { onDelete: "set null" }),
    parentId: text("parent_id"),
    handoff: text("handoff"),
    /** When this token stops working if unused (each refresh starts a new one). */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** When the family stops working however often it is refreshed (the absolute lifetime). */
    familyExpiresAt: integer("family_expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    /** Set when this token was presented again after it was used: the family was ended then. */
    reuseDetectedAt: integer("reuse_detected_at", { mode: "timestamp_ms" }),
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
 * API keys of `/auth`, for scripts and servers that call the app. The key is shown once, at
 * creation; `keyHash` is its SHA-256 (a 256-bit random key needs no slow hash), `prefix` and
 * `lastFour` are what a list shows of it. `lastUsedAt` moves at most once a minute. Deleted with
 * the user.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    userId: userId(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    lastFour: text("last_four").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
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
 * const db = createDatabase({ schema: { ...schema, ...appSchema } })
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

import { type AnyColumn, type AnyTable, type Relation, relations, type TableRelationsHelpers } from "drizzle-orm";
import { invalidArgument } from "../shared/arguments.js";

// What both dialects' schemas share: the value types of their text columns, the rules of the
// column helpers, and the shape of the relations. Each dialect's tables.ts defines its own Drizzle
// tables (sqliteTable, pgTable) with the same property names and passes them through here.

/** The kinds of sign-in method an `accounts` row records. */
export type AccountType = "oauth" | "oidc" | "email" | "webauthn" | "credentials";

/** What a one-time token may be used for; a token is only ever accepted for its own purpose. */
export type TokenPurpose =
  | "verify-email"
  | "reset-password"
  | "change-email"
  | "approve-email-change"
  | "delete-account"
  | "sign-in"
  | "organization-invitation";

/** The asymmetric algorithms `/auth` signs access tokens with (a row of the `jwks` table). */
export type SigningAlgorithm = "EdDSA" | "ES256" | "RS256";

/** Lifecycle of an upload record: `pending` when signed, `uploaded` once verified, `deleted` after removal. */
export type UploadStatus = "pending" | "uploaded" | "deleted";

/** @internal The values of {@link UploadStatus}, for the column's enum. */
export const UPLOAD_STATUSES = ["pending", "uploaded", "deleted"] as const satisfies readonly UploadStatus[];

/**
 * Lifecycle of an invitation: `pending` until the invitee accepts or declines it, or a member
 * revokes it. An expired invitation stays `pending` past its `expiresAt`, and is refused.
 */
export type InvitationStatus = "pending" | "accepted" | "declined" | "revoked";

/** @internal The values of {@link InvitationStatus}, for the column's enum. */
export const INVITATION_STATUSES = [
  "pending",
  "accepted",
  "declined",
  "revoked",
] as const satisfies readonly InvitationStatus[];

/** A small JSON object of your own on an organization (a plan, a logo URL…). Never secrets. */
export type OrganizationMetadata = Record<string, unknown>;

/** Small JSON details of an audit event (the roles of a role change, a count…). Never secrets. */
export type AuditDetails = Record<string, unknown>;

/** Longest column name accepted by the helpers; PostgreSQL's own limit is 63 bytes, SQLite has none. */
const MAX_COLUMN_NAME_LENGTH = 128;

/** @internal Checks a column name given to a helper; a `ValidationError` for anything but a short string. */
export function checkColumnName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length > MAX_COLUMN_NAME_LENGTH) {
    invalidArgument(fn, "name", `a column name of at most ${MAX_COLUMN_NAME_LENGTH} characters`);
  }
}

let instant: Date | undefined;

/**
 * @internal One instant for every default of the insert being built: drizzle calls each column's
 * default separately, and two `new Date()`s a millisecond apart would give a new row an
 * `updated_at` after its `created_at`. Forgotten at the next microtask, so the next insert gets
 * its own.
 */
export function insertInstant(): Date {
  if (!instant) {
    instant = new Date();
    queueMicrotask(() => {
      instant = undefined;
    });
  }
  return instant;
}

/**
 * @internal A table of one dialect named `TName`, with the column a relation of the package
 * joins on; `TNotNull` is that column's nullability, which the relation's type derives from.
 */
type PackageTable<TName extends string, TColumn extends string, TNotNull extends boolean = true> = AnyTable<{
  name: TName;
}> & { [K in TColumn]: AnyColumn<{ tableName: TName; notNull: TNotNull }> };

/**
 * @internal The relations of the package's tables, for one dialect's table objects: the same
 * names and shapes on SQLite and PostgreSQL, written once. One type parameter per table, so that
 * each table's literal name reaches `relations()` (a single parameter for all of them widened the
 * names to `string`, and relational queries lost their types).
 */
export function packageRelations<
  TUsers extends PackageTable<"users", "id">,
  TAccounts extends PackageTable<"accounts", "userId">,
  TSessions extends PackageTable<"sessions", "userId"> & PackageTable<"sessions", "activeOrganizationId", false>,
  TAuthenticators extends PackageTable<"authenticators", "userId">,
  TVerificationTokens extends PackageTable<"verification_tokens", "userId", false>,
  TUploads extends PackageTable<"uploads", "ownerId"> & PackageTable<"uploads", "organizationId", false>,
  TOrganizations extends PackageTable<"organizations", "id">,
  TMembers extends PackageTable<"members", "organizationId" | "userId">,
  TInvitations extends PackageTable<"invitations", "organizationId"> & PackageTable<"invitations", "inviterId", false>,
>(t: {
  users: TUsers;
  accounts: TAccounts;
  sessions: TSessions;
  authenticators: TAuthenticators;
  verificationTokens: TVerificationTokens;
  uploads: TUploads;
  organizations: TOrganizations;
  members: TMembers;
  invitations: TInvitations;
}) {
  const userRelations = ({ many }: TableRelationsHelpers<"users">) => ({
    accounts: many(t.accounts),
    sessions: many(t.sessions),
    authenticators: many(t.authenticators),
    uploads: many(t.uploads),
    verificationTokens: many(t.verificationTokens),
    members: many(t.members),
  });
  return {
    usersRelations: relations(t.users, userRelations),
    extendUsersRelations<TExtra extends Record<string, Relation>>(
      extra: (helpers: TableRelationsHelpers<"users">) => TExtra,
    ) {
      // Drizzle calls `extra` only later, inside createDatabase: check it now, where the mistake is.
      if (typeof extra !== "function") invalidArgument("extendUsersRelations", "extra", "a function");
      return relations(t.users, (helpers) => ({ ...userRelations(helpers), ...extra(helpers) }));
    },
    accountsRelations: relations(t.accounts, ({ one }) => ({
      user: one(t.users, { fields: [t.accounts.userId], references: [t.users.id] }),
    })),
    sessionsRelations: relations(t.sessions, ({ one }) => ({
      user: one(t.users, { fields: [t.sessions.userId], references: [t.users.id] }),
      activeOrganization: one(t.organizations, {
        fields: [t.sessions.activeOrganizationId],
        references: [t.organizations.id],
      }),
    })),
    authenticatorsRelations: relations(t.authenticators, ({ one }) => ({
      user: one(t.users, { fields: [t.authenticators.userId], references: [t.users.id] }),
    })),
    verificationTokensRelations: relations(t.verificationTokens, ({ one }) => ({
      user: one(t.users, { fields: [t.verificationTokens.userId], references: [t.users.id] }),
    })),
    uploadsRelations: relations(t.uploads, ({ one }) => ({
      owner: one(t.users, { fields: [t.uploads.ownerId], references: [t.users.id] }),
      organization: one(t.organizations, { fields: [t.uploads.organizationId], references: [t.organizations.id] }),
    })),
    organizationsRelations: relations(t.organizations, ({ many }) => ({
      members: many(t.members),
      invitations: many(t.invitations),
    })),
    membersRelations: relations(t.members, ({ one }) => ({
      organization: one(t.organizations, { fields: [t.members.organizationId], references: [t.organizations.id] }),
      user: one(t.users, { fields: [t.members.userId], references: [t.users.id] }),
    })),
    invitationsRelations: relations(t.invitations, ({ one }) => ({
      organization: one(t.organizations, {
        fields: [t.invitations.organizationId],
        references: [t.organizations.id],
      }),
      inviter: one(t.users, { fields: [t.invitations.inviterId], references: [t.users.id] }),
    })),
  };
}

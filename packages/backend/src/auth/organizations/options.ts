import type { BatchItem } from "drizzle-orm/batch";
import * as z from "zod";
import type { QueryDatabase } from "../../database/dialect.js";
import { ConfigError } from "../../shared/errors.js";
import { fnSchema as fn, relativePathSchema as relativePath, secondsSchema as seconds } from "../../shared/schemas.js";
import type { EmailTemplate, InvitationEmailParams } from "../mail/templates.js";
import { type AccessControl, createAccessControl, type DefaultAccessControl, isAccessControl } from "./access.js";

// The options of organizations, shared by the three features that serve them (organizations,
// members, invitations): one option group for the app, one settings object for the features.

/** An organization as the methods return it. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  /** Your small JSON object, or null. */
  metadata: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Runs before an organization is deleted, as `accountDeletion.beforeDelete` does for a user:
 * return `false` to refuse (`ForbiddenError`), or Drizzle queries built on the `db` it is given
 * (deletes of your own rows, say) to run in the same transaction as the deletion. Rows with an
 * `organizationId()` column go anyway (they cascade); files in storage do not: delete them here.
 */
export type BeforeDeleteOrganization<TDatabase = QueryDatabase> = (params: {
  organization: Organization;
  db: TDatabase;
}) => BeforeDeleteOrganizationResult | Promise<BeforeDeleteOrganizationResult>;

/** What {@link BeforeDeleteOrganization} returns: `false` refuses; queries join the deletion's transaction. */
export type BeforeDeleteOrganizationResult =
  | false
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is the common case.
  | void
  | readonly BatchItem<"sqlite">[]
  | readonly BatchItem<"pg">[];

/** Invitations by email. */
export interface InvitationOptions {
  /**
   * Seconds an invitation (and its link) works.
   * @default 172800 (48 hours)
   */
  expiresIn?: number;
  /**
   * Your page that receives `?token=…`, shows the invitation (`getInvitation(token)`) and accepts
   * or declines it from a button.
   * @default "/accept-invitation"
   */
  path?: string;
  /**
   * The mail.
   * @default defaultEmailTemplates.organizationInvitation
   */
  template?: EmailTemplate<InvitationEmailParams>;
  /**
   * Invitations sent (and re-sent) in each window of `window` seconds: per inviter, and per
   * organization from all its members together. A refused call throws `RateLimitError`.
   * @default { window: 3600, perInviter: 20, perOrganization: 100 }
   */
  rateLimit?: { window?: number; perInviter?: number; perOrganization?: number };
}

/**
 * Organizations: tenants that own data, with members, roles and invitations. Needs database
 * sessions (the active organization is a column of the session row).
 */
export interface OrganizationOptions<TAccess extends AccessControl = DefaultAccessControl, TDatabase = QueryDatabase> {
  /**
   * Roles and permissions, from `createAccessControl()`.
   * @default the built-in roles only (owner, admin, member)
   */
  access?: TAccess;
  /** Invitations by email. */
  invitations?: InvitationOptions;
  /**
   * Deletes your own data with an organization (files in storage, say), or refuses.
   * @default undefined
   */
  beforeDelete?: BeforeDeleteOrganization<TDatabase>;
}

/** @internal Validation of {@link OrganizationOptions}; undefined leaves organizations off. */
export const organizationOptionsSchema = z
  .strictObject({
    access: z
      .custom<AccessControl>(isAccessControl, { error: "must be made by createAccessControl()" })
      .optional()
      .transform((access) => access ?? (createAccessControl() as unknown as AccessControl)),
    invitations: z
      .strictObject({
        expiresIn: seconds(300, 30 * 86400, 48 * 3600),
        path: relativePath.default("/accept-invitation"),
        template: fn<EmailTemplate<InvitationEmailParams>>().optional(),
        rateLimit: z
          .strictObject({
            window: seconds(1, 7 * 86400, 3600),
            perInviter: z.number().int().min(1).default(20),
            perOrganization: z.number().int().min(1).default(100),
          })
          .prefault({}),
      })
      .prefault({}),
    beforeDelete: fn<BeforeDeleteOrganization>().optional(),
  })
  .optional();

/** @internal {@link OrganizationOptions} with every default filled in. */
export type OrganizationSettings = NonNullable<z.output<typeof organizationOptionsSchema>>;

/** @internal Refuses a method of organizations when `createAuth` was not given `organizations`. */
export function organizationsOff(method: string): ConfigError {
  return new ConfigError(
    `${method}: organizations are off: pass organizations: {} (or your access control) to createAuth.`,
    { issues: [{ path: "organizations", message: "is not set" }] },
  );
}

import { and, eq, ne, sql } from "drizzle-orm";
import * as z from "zod";
import type { Statement } from "../../database/dialect.js";
import { toConflictError } from "../../database/errors.js";
import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import {
  ConflictError,
  ForbiddenError,
  isTetrastackError,
  LastOwnerError,
  NoActiveOrganizationError,
  UnauthorizedError,
} from "../../shared/errors.js";
import { isWellFormed } from "../../shared/text.js";
import { parseInput } from "../../shared/validate.js";
import { slugify } from "../../utils/slugify.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import type { AuthContext, SignedInContext } from "../context.js";
import type { AccessControl, DefaultAccessControl, PermissionOf, RoleOf } from "../organizations/access.js";
import { runGuarded } from "../organizations/guarded.js";
import { type Organization, type OrganizationSettings, organizationsOff } from "../organizations/options.js";
import type { OrganizationMembership } from "../organizations/store.js";
import type { AuthSession } from "../session/types.js";

/** Input of `createOrganization`. */
export interface CreateOrganizationInput {
  /** Display name, trimmed; 1 to 100 characters. */
  name: string;
  /**
   * For URLs: lower-case words joined by `-`, up to 64 characters; `ConflictError` when taken.
   * @default made by `slugify` from the name (with a short suffix when that one is taken)
   */
  slug?: string;
  /** A small JSON object of your own (at most 4 KiB as JSON). Never secrets. */
  metadata?: Record<string, unknown> | null;
}

/** Input of `updateOrganization`: what changes. */
export type UpdateOrganizationInput = Partial<CreateOrganizationInput>;

/** The caller's membership, as `requireMember()` returns it. */
export interface Membership<TAccess extends AccessControl = DefaultAccessControl> {
  /** The session it was read with (as `getSession()` returns it). */
  session: AuthSession;
  user: AuthSession["user"];
  organizationId: string;
  /** The `members` row id. */
  memberId: string;
  role: RoleOf<TAccess>;
  /** Whether the role has every action of `permission` (no query). */
  can(permission: PermissionOf<TAccess>): boolean;
}

/** Options of `requireMember()`. */
export interface RequireMemberOptions<TAccess extends AccessControl = DefaultAccessControl> {
  /** Actions the member's role must have, such as `{ project: ["delete"] }`; else `ForbiddenError`. */
  permission?: PermissionOf<TAccess>;
  /**
   * Redirect here instead of throwing (a page or an action; a route handler throws anyway when
   * it cannot redirect).
   * @default the `redirectUnauthenticatedTo` option when not signed in, else throw
   */
  redirectTo?: string;
}

/** What `createAuth` adds for organizations (with `organizations` on). */
export interface OrganizationMethods<TAccess extends AccessControl = DefaultAccessControl> {
  /**
   * Creates an organization; the signed-in caller becomes its owner (one transaction, with its
   * audit event). `ValidationError`, `ConflictError` (the slug you chose is taken), `UnauthorizedError`.
   */
  createOrganization(input: CreateOrganizationInput): Promise<Organization>;
  /**
   * Renames it, changes its slug or metadata: `organization: ["update"]` (admins and owners).
   * `NotAMemberError`, `ForbiddenError`, `ConflictError`, `ValidationError`.
   */
  updateOrganization(organizationId: string, input: UpdateOrganizationInput): Promise<Organization>;
  /**
   * Deletes it with its members, invitations and every row an `organizationId()` column ties to
   * it, after `organizations.beforeDelete`: owners only, from a fresh session. Its members'
   * sessions lose it as their active organization. `NotAMemberError`, `ForbiddenError`,
   * `StaleSessionError`.
   */
  deleteOrganization(organizationId: string): Promise<void>;
  /** The organization, with the caller's role in it; `NotAMemberError` if the caller is no member. */
  getOrganization(which: { id: string } | { slug: string }): Promise<OrganizationMembership>;
  /** The caller's organizations with their role, oldest membership first. */
  listOrganizations(): Promise<OrganizationMembership[]>;
  /**
   * Makes `organizationId` the session's active organization (null: none), checked for
   * membership in the same statement. `getSession()` then carries `activeOrganizationId` and
   * `requireMember()` without an id uses it, at no extra query. `NotAMemberError`.
   */
  setActiveOrganization(organizationId: string | null): Promise<void>;
  /**
   * The caller's membership of `organizationId` (default: the session's active organization),
   * with its role checked against `options.permission`. In Server Components, Server Actions and
   * Route Handlers. The active organization's membership is read with the session itself (one
   * query for both); another organization costs one indexed query. A removed member's very next
   * request is refused, a demoted one's has the new role. Redirects (`options.redirectTo`) or
   * throws `UnauthorizedError`, `NoActiveOrganizationError`, `NotAMemberError`, `ForbiddenError`.
   */
  requireMember(organizationId?: string, options?: RequireMemberOptions<TAccess>): Promise<Membership<TAccess>>;
  /**
   * Whether `userId` is a member of `organizationId` whose role has `permission` (one indexed
   * query): for code that acts for a user outside a request, such as `createUploads`'
   * `organizationAccess`.
   */
  hasPermission(input: { userId: string; organizationId: string; permission: PermissionOf<TAccess> }): Promise<boolean>;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_METADATA_LENGTH = 4096;

const nameSchema = z
  .string({ error: "must be a string" })
  .max(400, { error: "must be at most 100 characters" })
  .refine(isWellFormed, { error: "contains invalid characters", abort: true })
  .transform((name) => name.normalize("NFC").trim())
  .pipe(z.string().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }));
const slugSchema = z
  .string({ error: "must be a string" })
  .max(64, { error: "must be at most 64 characters" })
  .regex(SLUG, { error: "must be lower-case letters and digits, words joined by -" });
const metadataSchema = z
  .record(z.string(), z.unknown(), { error: "must be an object" })
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_LENGTH, {
    error: `must be at most ${MAX_METADATA_LENGTH} characters as JSON`,
  })
  .nullable();
const createSchema = z.object({ name: nameSchema, slug: slugSchema.optional(), metadata: metadataSchema.optional() });
const updateSchema = z.object({
  name: nameSchema.optional(),
  slug: slugSchema.optional(),
  metadata: metadataSchema.optional(),
});
const whichSchema = z.union([z.object({ id: z.string().min(1).max(255) }), z.object({ slug: slugSchema })], {
  error: "must be { id } or { slug }",
});

/** A row id as this package makes them: a short string (anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

/**
 * @internal Organizations, their active one on the session, and the membership check. With
 * `settings` undefined (organizations off) every method throws `ConfigError`.
 */
export function organizations<TAccess extends AccessControl>(
  ctx: AuthContext,
  settings: OrganizationSettings | undefined,
): OrganizationMethods<TAccess> {
  if (!settings) {
    const off = (method: string) => async () => {
      throw organizationsOff(method);
    };
    return {
      createOrganization: off("createOrganization"),
      updateOrganization: off("updateOrganization"),
      deleteOrganization: off("deleteOrganization"),
      getOrganization: off("getOrganization"),
      listOrganizations: off("listOrganizations"),
      setActiveOrganization: off("setActiveOrganization"),
      requireMember: off("requireMember"),
      hasPermission: off("hasPermission"),
    };
  }
  const { db, tables, organizations: store } = ctx;
  const access = settings.access as AccessControl;
  const { organizations: orgs, members, sessions, invitations } = tables;

  /** The precise refusal, once a guarded change did not happen or before trying it. */
  async function refusal(organizationId: string, userId: string, allowed: readonly string[]): Promise<Error> {
    const member = await store.membership(organizationId, userId);
    if (!member) return store.notAMember();
    if (!allowed.includes(member.role))
      return new ForbiddenError("Your role in this organization does not allow this.");
    return new ConflictError("The organization changed meanwhile; try again.");
  }

  // Deleting an account: refused while its user is the last owner of an organization others
  // belong to (they would be left with nobody to manage it); an organization the user is alone
  // in goes with the account.
  ctx.hooks.userDeleting.push(async (q, user) => {
    const statements: Statement[] = [];
    // Read on `q`: on PostgreSQL it is the deletion's transaction (a single-connection database
    // such as PGlite would wait forever for a read on another).
    const memberOf = sql`${members}.${sql.identifier(members.organizationId.name)} = ${orgs}.${sql.identifier(orgs.id.name)}`;
    const owned = await q
      .select({
        id: orgs.id,
        name: orgs.name,
        slug: orgs.slug,
        // Qualified by hand: drizzle writes the columns of a one-table select list unqualified.
        members: sql<number>`(select count(*) from ${members} where ${memberOf})`,
        owners: sql<number>`(select count(*) from ${members} where ${memberOf} and ${members}.${sql.identifier(members.role.name)} = 'owner')`,
      })
      .from(orgs)
      .where(store.hasRole(sql`${orgs.id}`, user.id, ["owner"]));
    for (const organization of owned as {
      id: string;
      name: string;
      slug: string;
      members: unknown;
      owners: unknown;
    }[]) {
      const total = Number(organization.members);
      if (total > 1 && Number(organization.owners) <= 1) {
        throw new LastOwnerError(
          `You are the last owner of ${organization.name}: make another member an owner, or delete the organization, first.`,
        );
      }
      if (total > 1) continue;
      // Only if still alone: a member who joined meanwhile keeps the organization.
      const alone = sql`not exists (select 1 from ${members} where ${and(
        eq(members.organizationId, organization.id),
        ne(members.userId, user.id),
      )})`;
      const guard = ctx.audit.guard(
        q,
        {
          action: "organization.deleted",
          actorId: user.id,
          organizationId: organization.id,
          target: { type: "organization", id: organization.id },
          details: { name: organization.name, slug: organization.slug, reason: "account deleted" },
        },
        { table: orgs, where: and(eq(orgs.id, organization.id), alone) },
      );
      statements.push(
        guard.statement,
        ctx.tokens.removeStatement(
          q,
          "organization-invitation",
          sql`(select cast(${invitations.id} as text) from ${invitations} where ${and(eq(invitations.organizationId, organization.id), guard.recorded)})`,
        ),
        q.delete(orgs).where(and(eq(orgs.id, organization.id), guard.recorded)),
      );
    }
    return statements;
  });

  function deny(error: Error, redirectTo: string | undefined): never {
    if (redirectTo) ctx.caller.redirect(redirectTo);
    throw error;
  }

  async function updated(organizationId: string): Promise<Organization> {
    const organization = await store.organization(organizationId);
    if (!organization) throw store.notAMember();
    return organization;
  }

  /** Runs a write whose unique slug may be taken: a ConflictError naming the slug. */
  async function slugConflict<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const converted = toConflictError(error);
      if (isTetrastackError(converted, "CONFLICT")) {
        throw new ConflictError("This slug is taken: choose another.", {
          cause: error,
          target: { table: "organizations", columns: ["slug"] },
        });
      }
      throw error;
    }
  }

  async function create(caller: SignedInContext, input: z.output<typeof createSchema>): Promise<Organization> {
    const { userId } = caller.session;
    const base = input.slug ?? slugify(input.name, { maxLength: 48, fallback: "organization" });
    // A slug made from the name gets a short random suffix when taken; a chosen one is refused.
    for (let attempt = 0; ; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${uuidv7().slice(-6)}`;
      const id = uuidv7();
      try {
        const [[row]] = (await ctx.dialect.batch(db, (q) => [
          q
            .insert(orgs)
            .values({ id, name: input.name, slug, metadata: input.metadata ?? null })
            .returning(),
          q.insert(members).values({ organizationId: id, userId, role: "owner" }),
          ctx.audit.insert(q, {
            action: "organization.created",
            actorId: userId,
            userId,
            organizationId: id,
            target: { type: "organization", id },
            details: { name: input.name, slug },
            request: caller,
          }),
        ])) as [[AuthOrganizationRow]];
        return toOrganization(row);
      } catch (error) {
        const taken = isTetrastackError(toConflictError(error), "CONFLICT");
        if (!taken || input.slug !== undefined || attempt >= 4) {
          if (taken) {
            throw new ConflictError("This slug is taken: choose another.", {
              cause: error,
              target: { table: "organizations", columns: ["slug"] },
            });
          }
          throw error;
        }
      }
    }
  }

  async function membershipOf(
    organizationId: string,
    userId: string,
    active: { organizationId: string; memberId: string; role: string } | null | undefined,
  ) {
    // The session's active organization was read with the session: no query.
    if (active && active.organizationId === organizationId) return { id: active.memberId, role: active.role };
    return store.membership(organizationId, userId);
  }

  return {
    async createOrganization(raw) {
      const caller = await ctx.caller.signedIn("any");
      const input = parseInput(createSchema, raw, "createOrganization");
      return create(caller, input);
    },

    async updateOrganization(organizationId, raw) {
      assertArgument(isId(organizationId), "updateOrganization", "organizationId", "an organization id (string)");
      const caller = await ctx.caller.signedIn("any");
      const input = parseInput(updateSchema, raw, "updateOrganization");
      const allowed = access.rolesWith({ organization: ["update"] } as never);
      const { userId } = caller.session;
      if (!store.canBeId(organizationId)) throw store.notAMember();
      const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
      if (Object.keys(changes).length === 0) {
        const error = await refusal(organizationId, userId, allowed);
        if (!isTetrastackError(error, "CONFLICT")) throw error;
        return updated(organizationId);
      }
      const { done } = await slugConflict(() =>
        runGuarded(ctx, organizationId, (q) => {
          const guard = ctx.audit.guard(
            q,
            {
              action: "organization.updated",
              actorId: userId,
              organizationId,
              target: { type: "organization", id: organizationId },
              details: { changed: Object.keys(changes) },
              request: caller,
            },
            { table: orgs, where: and(eq(orgs.id, organizationId), store.hasRole(organizationId, userId, allowed)) },
          );
          return {
            guard,
            changes: [
              q
                .update(orgs)
                .set(changes)
                .where(and(eq(orgs.id, organizationId), guard.recorded)),
            ],
          };
        }),
      );
      if (!done) throw await refusal(organizationId, userId, allowed);
      return updated(organizationId);
    },

    async deleteOrganization(organizationId) {
      assertArgument(isId(organizationId), "deleteOrganization", "organizationId", "an organization id (string)");
      const caller = await ctx.caller.signedIn("fresh");
      const { userId } = caller.session;
      const owners = ["owner"];
      const organization = store.canBeId(organizationId) ? await store.organization(organizationId) : null;
      const member = organization ? await store.membership(organizationId, userId) : null;
      if (!organization || !member) throw store.notAMember();
      if (member.role !== "owner") throw new ForbiddenError("Only an owner can delete the organization.");
      const { done } = await runGuarded(ctx, organizationId, async (q) => {
        const extra = settings.beforeDelete ? await settings.beforeDelete({ organization, db: q }) : undefined;
        if (extra === false) throw new ForbiddenError("This organization cannot be deleted now.");
        const guard = ctx.audit.guard(
          q,
          {
            action: "organization.deleted",
            actorId: userId,
            organizationId,
            target: { type: "organization", id: organizationId },
            details: { name: organization.name, slug: organization.slug },
            request: caller,
          },
          { table: orgs, where: and(eq(orgs.id, organizationId), store.hasRole(organizationId, userId, owners)) },
        );
        // The hook's queries run only with the deletion: after the guard, in the same transaction.
        const changes: Statement[] = [
          ...((extra ?? []) as unknown as Statement[]),
          // The invitations' links go too (their rows cascade; the tokens are keyed by invitation id).
          ctx.tokens.removeStatement(
            q,
            "organization-invitation",
            sql`(select cast(${invitations.id} as text) from ${invitations} where ${eq(invitations.organizationId, organizationId)} and ${guard.recorded})`,
          ),
          q.delete(orgs).where(and(eq(orgs.id, organizationId), guard.recorded)),
        ];
        return { guard, changes };
      });
      if (!done) throw await refusal(organizationId, userId, owners);
    },

    async getOrganization(which) {
      const caller = await ctx.caller.signedIn("any");
      const input = parseInput(whichSchema, which, "getOrganization");
      const organization =
        "id" in input ? await store.organization(input.id) : await store.bySlug((input as { slug: string }).slug);
      const member = organization ? await store.membership(organization.id, caller.session.userId) : null;
      if (!organization || !member) throw store.notAMember();
      return { ...organization, role: member.role, memberId: member.id };
    },

    async listOrganizations() {
      const caller = await ctx.caller.signedIn("any");
      return store.ofUser(caller.session.userId);
    },

    async setActiveOrganization(organizationId) {
      assertArgument(
        organizationId === null || isId(organizationId),
        "setActiveOrganization",
        "organizationId",
        "an organization id (string) or null",
      );
      const caller = await ctx.caller.signedIn("any");
      const { userId, sessionId } = caller.session;
      if (!sessionId) throw new UnauthorizedError("Sign in to continue.");
      if (organizationId !== null && !store.canBeId(organizationId)) throw store.notAMember();
      // One statement: the membership is checked where the session row is written. The session's
      // updated_at (its "last active" time) is left as it is.
      const isMember = sql`exists (select 1 from ${members} where ${and(
        eq(members.organizationId, organizationId ?? ""),
        eq(members.userId, userId),
      )})`;
      const result = await db
        .update(sessions)
        .set({ activeOrganizationId: organizationId, updatedAt: sql`${sessions.updatedAt}` })
        .where(
          and(eq(sessions.id, sessionId), eq(sessions.userId, userId), organizationId === null ? undefined : isMember),
        )
        .returning({ id: sessions.id });
      if (result.length === 0) {
        if (organizationId === null) throw new UnauthorizedError("Sign in to continue.");
        throw store.notAMember();
      }
    },

    async requireMember(organizationId, options) {
      assertArgument(
        organizationId === undefined || isId(organizationId),
        "requireMember",
        "organizationId",
        "an organization id (string) or nothing",
      );
      assertArgument(isOptionalObject(options), "requireMember", "options", "an object");
      const redirectTo = options?.redirectTo;
      const found = await ctx.sessionAccess.current();
      if (!found)
        return deny(
          new UnauthorizedError("Sign in to continue."),
          redirectTo ?? ctx.settings.redirectUnauthenticatedTo,
        );
      const { session } = found;
      const target = organizationId ?? found.organization?.organizationId;
      if (!target) {
        return deny(new NoActiveOrganizationError("Choose an organization first."), redirectTo);
      }
      const member = await membershipOf(target, session.user.id, found.organization);
      if (!member) return deny(store.notAMember(), redirectTo);
      const permission = options?.permission;
      if (permission && !access.can(member.role, permission as never)) {
        return deny(new ForbiddenError("Your role in this organization does not allow this."), redirectTo);
      }
      return {
        session,
        user: session.user,
        organizationId: target,
        memberId: member.id,
        role: member.role as RoleOf<TAccess>,
        can: (asked) => access.can(member.role, asked as never),
      };
    },

    async hasPermission(input) {
      assertArgument(typeof input === "object" && input !== null, "hasPermission", "input", "an object");
      const { userId, organizationId, permission } = input;
      assertArgument(isId(userId), "hasPermission", "userId", "a user id (string)");
      assertArgument(isId(organizationId), "hasPermission", "organizationId", "an organization id (string)");
      assertArgument(typeof permission === "object" && permission !== null, "hasPermission", "permission", "an object");
      const member = await store.membership(organizationId, userId);
      return member !== null && access.can(member.role, permission as never);
    },
  };
}

type AuthOrganizationRow = AuthContext["tables"]["organizations"]["$inferSelect"];

function toOrganization(row: AuthOrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    metadata: row.metadata ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

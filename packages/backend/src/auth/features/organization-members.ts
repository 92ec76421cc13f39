import { and, asc, eq, gt, ne, or, type SQL, sql } from "drizzle-orm";
import * as z from "zod";
import { assertArgument } from "../../shared/arguments.js";
import { decodeCursor, encodeCursor, notACursor } from "../../shared/cursor.js";
import { ConflictError, ForbiddenError, LastOwnerError, ValidationError } from "../../shared/errors.js";
import { parseInput } from "../../shared/validate.js";
import type { AuditEventInput } from "../audit/log.js";
import type { AuthContext, SignedInContext } from "../context.js";
import type { AccessControl, DefaultAccessControl, RoleOf } from "../organizations/access.js";
import { runGuarded } from "../organizations/guarded.js";
import { type OrganizationSettings, organizationsOff } from "../organizations/options.js";
import type { MemberRow } from "../organizations/store.js";

/** One member of an organization, as `listMembers` returns it. */
export interface MemberInfo {
  /** The `members` row id: pass it to `updateMemberRole` and `removeMember`. */
  id: string;
  organizationId: string;
  role: string;
  user: { id: string; name: string | null; email: string | null; image: string | null };
  /** When they joined. */
  createdAt: Date;
}

/** Options of `listMembers`. */
export interface ListMembersOptions {
  /**
   * Page size, 1 to 500.
   * @default 100
   */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of members, oldest first. */
export interface MemberPage {
  items: MemberInfo[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** What `createAuth` adds for the members of organizations (with `organizations` on). */
export interface OrganizationMemberMethods<TAccess extends AccessControl = DefaultAccessControl> {
  /** The members, oldest first, for any member of the organization. `NotAMemberError`. */
  listMembers(organizationId: string, options?: ListMembersOptions): Promise<MemberPage>;
  /**
   * Gives a member another role: `member: ["update"]` (admins and owners); making an owner, or
   * changing an owner's role, only by an owner; the last owner cannot be demoted. Checked in the
   * database in the same statement as the change, so concurrent changes cannot break it. Takes
   * effect on the member's very next request. `NotAMemberError`, `ForbiddenError`,
   * `LastOwnerError`, `ValidationError` (not a role).
   */
  updateMemberRole(organizationId: string, memberId: string, role: RoleOf<TAccess>): Promise<MemberInfo>;
  /**
   * Removes a member (`member: ["remove"]`; an owner only by an owner; never the last owner).
   * Their sessions lose it as active organization; their very next request is refused.
   */
  removeMember(organizationId: string, memberId: string): Promise<void>;
  /** The caller leaves the organization; the last owner cannot (`LastOwnerError`). */
  leaveOrganization(organizationId: string): Promise<void>;
}

/** How often a change is tried again when the member changed between the check and the write. */
const ATTEMPTS = 3;

const listSchema = z.object({
  limit: z.int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

/** A row id as this package makes them: a short string (anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

/** @internal Members of organizations: listing, roles, removal, leaving, and the last owner. */
export function organizationMembers<TAccess extends AccessControl>(
  ctx: AuthContext,
  settings: OrganizationSettings | undefined,
): OrganizationMemberMethods<TAccess> {
  if (!settings) {
    const off = (method: string) => async () => {
      throw organizationsOff(method);
    };
    return {
      listMembers: off("listMembers"),
      updateMemberRole: off("updateMemberRole"),
      removeMember: off("removeMember"),
      leaveOrganization: off("leaveOrganization"),
    };
  }
  const { db, tables, organizations: store } = ctx;
  const access = settings.access as AccessControl;
  const { members, users, sessions } = tables;

  /** The caller's and the target's rows, or the refusal a precheck gives before any write. */
  async function both(organizationId: string, caller: SignedInContext, memberId: string) {
    const actor = await store.membership(organizationId, caller.session.userId);
    if (!actor) throw store.notAMember();
    const target = await store.member(organizationId, memberId);
    if (!target) {
      throw new ValidationError("memberId: no such member of this organization", {
        issues: [{ path: "memberId", message: "no such member of this organization" }],
      });
    }
    return { actor, target };
  }

  /** Roles that may act on `target` (optionally giving it `role`): owners only where owners are concerned. */
  function actorRoles(permission: "update" | "remove", target: MemberRow, role?: string): string[] {
    const permitted = access.rolesWith({ member: [permission] } as never);
    return target.role === "owner" || role === "owner" ? permitted.filter((r) => r === "owner") : permitted;
  }

  /** Refuses what the rules refuse, before a write: the same rules the guard checks. */
  async function precheck(
    organizationId: string,
    actor: MemberRow,
    allowed: readonly string[] | null,
    losesOwner: boolean,
  ): Promise<void> {
    if (allowed && !allowed.includes(actor.role)) {
      const ownersOnly = allowed.length > 0 && allowed.every((role) => role === "owner");
      throw new ForbiddenError(
        ownersOnly ? "Only an owner can do this." : "Your role in this organization does not allow this.",
      );
    }
    if (losesOwner && (await store.ownerCount(organizationId)) <= 1) {
      throw new LastOwnerError("The organization must keep an owner: make another member an owner first.");
    }
  }

  /**
   * The guard of a change to member `target`: the target still has the role the precheck saw,
   * the actor still has one of `allowed`, and, when the target is an owner who stops being one,
   * another owner remains. All in the guard's one `INSERT … SELECT` from `members`.
   */
  function guardWhere(
    organizationId: string,
    actorId: string,
    target: MemberRow,
    allowed: string[] | null,
    losesOwner: boolean,
  ): SQL | undefined {
    return and(
      eq(members.id, target.id),
      eq(members.organizationId, organizationId),
      eq(members.role, target.role),
      // null: the caller acts on their own row (leaving), which needs no role.
      allowed ? store.hasRole(organizationId, actorId, allowed) : eq(members.userId, actorId),
      losesOwner ? store.otherOwner(organizationId, target.id) : undefined,
    );
  }

  async function info(organizationId: string, memberId: string): Promise<MemberInfo> {
    const [row] = await db
      .select({
        id: members.id,
        organizationId: members.organizationId,
        role: members.role,
        createdAt: members.createdAt,
        user: { id: users.id, name: users.name, email: users.email, image: users.image },
      })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.id, memberId), eq(members.organizationId, organizationId)))
      .limit(1);
    if (!row) throw new ConflictError("The member was removed meanwhile.");
    return row;
  }

  /**
   * Removes `target` (a removal or the caller leaving): the membership and, in the same batch,
   * the organization as active organization of their sessions.
   */
  async function remove(
    organizationId: string,
    caller: SignedInContext,
    memberId: string | null,
    event: (target: MemberRow) => AuditEventInput,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let actor: MemberRow;
      let target: MemberRow;
      if (memberId === null) {
        const own = await store.membership(organizationId, caller.session.userId);
        if (!own) throw store.notAMember();
        actor = own;
        target = own;
      } else {
        ({ actor, target } = await both(organizationId, caller, memberId));
      }
      const self = memberId === null;
      const allowed = self ? null : actorRoles("remove", target);
      const losesOwner = target.role === "owner";
      await precheck(organizationId, actor, allowed, losesOwner);
      const { done } = await runGuarded(ctx, organizationId, (q) => {
        const guard = ctx.audit.guard(q, event(target), {
          table: members,
          where: guardWhere(organizationId, caller.session.userId, target, allowed, losesOwner),
        });
        return {
          guard,
          changes: [
            q
              .update(sessions)
              .set({ activeOrganizationId: null, updatedAt: sql`${sessions.updatedAt}` })
              .where(
                and(
                  eq(sessions.userId, target.userId),
                  eq(sessions.activeOrganizationId, organizationId),
                  guard.recorded,
                ),
              ),
            q.delete(members).where(and(eq(members.id, target.id), guard.recorded)),
          ],
        };
      });
      if (done) return;
      // The member, the caller's role or the owners changed between the check and the write:
      // check again against what the database holds now (which refuses, or lets the retry win).
      if (attempt >= ATTEMPTS) throw new ConflictError("The organization changed meanwhile; try again.");
    }
  }

  return {
    async listMembers(organizationId, options) {
      assertArgument(isId(organizationId), "listMembers", "organizationId", "an organization id (string)");
      const caller = await ctx.caller.signedIn("any");
      const input = parseInput(listSchema, options ?? {}, "listMembers");
      if (!(await store.membership(organizationId, caller.session.userId))) throw store.notAMember();
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, "listMembers");
      if (after && !store.canBeId(after.id)) throw notACursor("listMembers");
      const rows = await db
        .select({
          id: members.id,
          organizationId: members.organizationId,
          role: members.role,
          createdAt: members.createdAt,
          user: { id: users.id, name: users.name, email: users.email, image: users.image },
        })
        .from(members)
        .innerJoin(users, eq(users.id, members.userId))
        .where(
          and(
            eq(members.organizationId, organizationId),
            after
              ? or(
                  gt(members.createdAt, after.createdAt),
                  and(eq(members.createdAt, after.createdAt), gt(members.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(members.createdAt), asc(members.id))
        .limit(input.limit + 1);
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
    },

    async updateMemberRole(organizationId, memberId, role) {
      assertArgument(isId(organizationId), "updateMemberRole", "organizationId", "an organization id (string)");
      assertArgument(isId(memberId), "updateMemberRole", "memberId", "a member id (string)");
      if (!access.isRole(role)) {
        throw new ValidationError(`updateMemberRole: role: must be one of ${access.roles.join(", ")}`, {
          issues: [{ path: "role", message: `must be one of ${access.roles.join(", ")}` }],
        });
      }
      const caller = await ctx.caller.signedIn("any");
      for (let attempt = 1; ; attempt++) {
        const { actor, target } = await both(organizationId, caller, memberId);
        const allowed = actorRoles("update", target, role);
        const losesOwner = target.role === "owner" && role !== "owner";
        await precheck(organizationId, actor, allowed, losesOwner);
        if (target.role === role) return info(organizationId, memberId);
        const { done } = await runGuarded(ctx, organizationId, (q) => {
          const guard = ctx.audit.guard(
            q,
            {
              action: "member.role_changed",
              actorId: caller.session.userId,
              userId: target.userId,
              organizationId,
              target: { type: "member", id: target.id },
              details: { from: target.role, to: role },
              request: caller,
            },
            { table: members, where: guardWhere(organizationId, caller.session.userId, target, allowed, losesOwner) },
          );
          return {
            guard,
            changes: [
              q
                .update(members)
                .set({ role })
                .where(and(eq(members.id, target.id), ne(members.role, role), guard.recorded)),
            ],
          };
        });
        if (done) return info(organizationId, memberId);
        if (attempt >= ATTEMPTS) throw new ConflictError("The organization changed meanwhile; try again.");
      }
    },

    async removeMember(organizationId, memberId) {
      assertArgument(isId(organizationId), "removeMember", "organizationId", "an organization id (string)");
      assertArgument(isId(memberId), "removeMember", "memberId", "a member id (string)");
      const caller = await ctx.caller.signedIn("any");
      await remove(organizationId, caller, memberId, (target) => ({
        action: "member.removed",
        actorId: caller.session.userId,
        userId: target.userId,
        organizationId,
        target: { type: "member", id: target.id },
        details: { role: target.role },
        request: caller,
      }));
    },

    async leaveOrganization(organizationId) {
      assertArgument(isId(organizationId), "leaveOrganization", "organizationId", "an organization id (string)");
      const caller = await ctx.caller.signedIn("any");
      await remove(organizationId, caller, null, (target) => ({
        action: "member.left",
        actorId: caller.session.userId,
        userId: caller.session.userId,
        organizationId,
        target: { type: "member", id: target.id },
        details: { role: target.role },
        request: caller,
      }));
    },
  };
}

import { and, desc, eq, gt, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import * as z from "zod";
import { type AnyDatabase, insertWhere } from "../../database/dialect.js";
import { toConflictError } from "../../database/errors.js";
import type { InvitationStatus } from "../../database/tables.js";
import { assertArgument } from "../../shared/arguments.js";
import {
  ConflictError,
  EmailNotVerifiedError,
  ForbiddenError,
  isTetrastackError,
  TokenError,
  UnauthorizedError,
} from "../../shared/errors.js";
import { parseInput } from "../../shared/validate.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthContext, FlowContext, SignedInContext } from "../context.js";
import { invalidToken } from "../links/token-store.js";
import { defaultEmailTemplates } from "../mail/templates.js";
import type { AccessControl, DefaultAccessControl, RoleOf } from "../organizations/access.js";
import { type GuardedChange, runGuarded } from "../organizations/guarded.js";
import { type OrganizationSettings, organizationsOff } from "../organizations/options.js";
import type { AuthUser } from "../tables.js";

/** An invitation to join an organization. */
export interface Invitation {
  id: string;
  organizationId: string;
  /** The invited address (normalised): only an account with this verified email can accept. */
  email: string;
  /** The role the invitee gets on accepting. */
  role: string;
  status: InvitationStatus;
  /** Who invited (last sent it); null once their account is deleted. */
  inviterId: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** An invitation with what its page shows: the organization and who invited. */
export interface InvitationDetails {
  invitation: Invitation;
  organization: { id: string; name: string; slug: string };
  inviter: { name: string | null; email: string | null } | null;
}

/** Input of `inviteMember`. */
export interface InviteMemberInput<TRole extends string = string> {
  organizationId: string;
  /** Where the invitation goes (normalised). Inviting the same address again re-sends it. */
  email: string;
  /** The role the invitee gets. `owner` only from an owner. */
  role: TRole;
}

/** Which invitation to accept or decline: the link's token, or (signed in) its id. */
export type InvitationRef = { token: string } | { invitationId: string };

/** What `acceptInvitation` resolves: the new membership (the session's active organization now). */
export interface AcceptedInvitation {
  organizationId: string;
  memberId: string;
  role: string;
}

/** What `createAuth` adds for invitations (with `organizations` on). */
export interface OrganizationInvitationMethods<TAccess extends AccessControl = DefaultAccessControl> {
  /**
   * Invites `email` to the organization (`invitation: ["create"]`; an owner invitation only from
   * an owner) and mails the link (`organizations.invitations.path`), valid 48 hours by default.
   * Inviting an address with a pending invitation re-sends it: a new link, the old one stops
   * working, the expiry starts again. The address need not have an account yet. Rate-limited per
   * inviter and per organization (`RateLimitError`). `ConflictError` when it belongs to a member
   * already; `NotAMemberError`, `ForbiddenError`, `ValidationError`, `MailNotConfiguredError`.
   */
  inviteMember(input: InviteMemberInput<RoleOf<TAccess>>): Promise<Invitation>;
  /**
   * The invitation a link's token names, with its organization and inviter, without using the
   * token: for the page the link opens. Nobody needs to be signed in. `TokenError`
   * (`TOKEN_INVALID`: unknown, used, revoked or declined; `TOKEN_EXPIRED`).
   */
  getInvitation(token: string): Promise<InvitationDetails>;
  /**
   * Joins the organization with the invitation's role, in one transaction with the invitation's
   * acceptance and its audit event; of two concurrent acceptances exactly one joins. The
   * signed-in user's email must be the invited one and verified (`ForbiddenError`,
   * `EmailNotVerifiedError`): a user who signed up with the invited address verifies it first.
   * The organization becomes the session's active one. `TokenError`, `UnauthorizedError`.
   */
  acceptInvitation(ref: InvitationRef): Promise<AcceptedInvitation>;
  /**
   * Declines it: by the link's token (no sign-in needed: the link proves the mailbox), or by id
   * when signed in with the invited, verified address. `TokenError`, `ForbiddenError`.
   */
  declineInvitation(ref: InvitationRef): Promise<void>;
  /** Revokes a pending invitation (`invitation: ["revoke"]`): its link stops working at once. */
  revokeInvitation(invitationId: string): Promise<void>;
  /**
   * The organization's invitations, newest first (`invitation: ["create"]`).
   * @default status "pending"
   */
  listInvitations(organizationId: string, options?: { status?: InvitationStatus | "all" }): Promise<Invitation[]>;
  /** Pending invitations to the signed-in user's verified email, with their organizations. */
  listUserInvitations(): Promise<InvitationDetails[]>;
}

const PURPOSE = "organization-invitation" as const;
const LIST_LIMIT = 500;

/** A row id as this package makes them: a short string (anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

const refSchema = z.union(
  [z.object({ token: z.string().max(200) }), z.object({ invitationId: z.string().min(1).max(255) })],
  { error: "must be { token } or { invitationId }" },
);

/** @internal Invitations by email: sending, showing, accepting, declining, revoking. */
export function organizationInvitations<TAccess extends AccessControl>(
  ctx: AuthContext,
  settings: OrganizationSettings | undefined,
): OrganizationInvitationMethods<TAccess> {
  if (!settings) {
    const off = (method: string) => async () => {
      throw organizationsOff(method);
    };
    return {
      inviteMember: off("inviteMember"),
      getInvitation: off("getInvitation"),
      acceptInvitation: off("acceptInvitation"),
      declineInvitation: off("declineInvitation"),
      revokeInvitation: off("revokeInvitation"),
      listInvitations: off("listInvitations"),
      listUserInvitations: off("listUserInvitations"),
    };
  }
  const { db, tables, organizations: store } = ctx;
  const access = settings.access as AccessControl;
  const { invitations, organizations, members, users, sessions } = tables;
  const { expiresIn, path, template, rateLimit } = settings.invitations;
  const inputSchema = z.object({
    organizationId: z.string().min(1).max(255),
    email: emailSchema,
    role: z.string().refine((role) => access.isRole(role), { error: `must be one of ${access.roles.join(", ")}` }),
  });
  const limitRule = (perAccount: number) => ({
    window: rateLimit.window,
    perAccount,
    perIP: perAccount,
    perUnknownIP: perAccount,
  });

  /** The invitation with its organization and inviter (one query), or null. */
  async function details(invitationId: string): Promise<InvitationDetails | null> {
    if (!store.canBeId(invitationId)) return null;
    const [row] = await db
      .select({
        invitation: invitations,
        organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
        inviter: { name: users.name, email: users.email },
      })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .leftJoin(users, eq(users.id, invitations.inviterId))
      .where(eq(invitations.id, invitationId))
      .limit(1);
    if (!row) return null;
    return { invitation: row.invitation, organization: row.organization, inviter: row.inviter ?? null };
  }

  /** A pending, unexpired invitation, or the TokenError its state deserves. */
  function live(found: InvitationDetails | null): InvitationDetails {
    if (found?.invitation.status !== "pending") throw invalidToken();
    if (found.invitation.expiresAt.getTime() <= ctx.now()) {
      throw new TokenError("This invitation has expired; ask for a new one.", { code: "TOKEN_EXPIRED" });
    }
    return found;
  }

  /** The invitation a ref names: by the link's token (not used up), or by id. */
  async function resolve(ref: unknown, method: string): Promise<{ found: InvitationDetails; byToken: boolean }> {
    const input = parseInput(refSchema, ref, method);
    if ("token" in input) {
      const row = await ctx.tokens.find(input.token, PURPOSE);
      return { found: live(await details(row.identifier)), byToken: true };
    }
    return { found: live(await details(input.invitationId)), byToken: false };
  }

  /** The signed-in invitee: their account must have the invited address, verified. */
  async function invitee(caller: SignedInContext, invitation: Invitation): Promise<AuthUser> {
    const user = await ctx.users.byId(caller.session.userId);
    if (!user) throw new UnauthorizedError("Sign in to continue.");
    if (user.email !== invitation.email) {
      throw new ForbiddenError("This invitation was sent to another email address: sign in with that one.");
    }
    if (!user.emailVerified) {
      throw new EmailNotVerifiedError("Verify your email address before accepting the invitation.");
    }
    return user;
  }

  /** The guard's precondition on the invitation: still pending, unexpired, as it was read. */
  function stillPending(invitation: Invitation, extra?: SQL): SQL | undefined {
    return and(
      eq(invitations.id, invitation.id),
      eq(invitations.status, "pending"),
      gt(invitations.expiresAt, new Date(ctx.now())),
      eq(invitations.role, invitation.role),
      extra,
    );
  }

  /** Ends a pending invitation (declined, revoked) with its link, if `where` still holds. */
  function end(q: AnyDatabase, invitation: Invitation, status: "declined" | "revoked", guard: GuardedChange["guard"]) {
    return [
      q
        .update(invitations)
        .set({ status })
        .where(and(eq(invitations.id, invitation.id), guard.recorded)),
      ctx.tokens.removeStatement(
        q,
        PURPOSE,
        sql`(select cast(${invitations.id} as text) from ${invitations} where ${and(eq(invitations.id, invitation.id), guard.recorded)})`,
      ),
    ];
  }

  /** After a guarded change on an invitation did not happen: why, from what it is now. */
  async function gone(invitationId: string): Promise<never> {
    live(await details(invitationId));
    throw new ConflictError("The invitation changed meanwhile; try again.");
  }

  async function send(found: InvitationDetails, token: { token: string; expires: Date }, inviter: AuthUser | null) {
    const url = ctx.links.link(path, token.token);
    const content = await (template ?? defaultEmailTemplates.organizationInvitation)({
      to: found.invitation.email,
      url,
      expires: token.expires,
      appName: ctx.links.appName,
      organizationName: found.organization.name,
      inviterName: inviter?.name ?? inviter?.email ?? null,
      role: found.invitation.role,
    });
    await ctx.mailer.send({ to: found.invitation.email, ...content });
  }

  return {
    async inviteMember(raw) {
      const caller = await ctx.caller.signedIn("any");
      const input = parseInput(inputSchema, raw, "inviteMember");
      ctx.mailer.assertAvailable("inviteMember");
      const { organizationId, email, role } = input;
      const { userId } = caller.session;
      const actor = await store.membership(organizationId, userId);
      if (!actor) throw store.notAMember();
      const permitted = access.rolesWith({ invitation: ["create"] } as never);
      const allowed = role === "owner" ? permitted.filter((r) => r === "owner") : permitted;
      if (!allowed.includes(actor.role)) {
        throw new ForbiddenError(
          role === "owner" && permitted.includes(actor.role)
            ? "Only an owner can invite an owner."
            : "Your role in this organization does not allow inviting.",
        );
      }
      const [existing] = await db
        .select({ id: members.id })
        .from(members)
        .innerJoin(users, eq(users.id, members.userId))
        .where(and(eq(members.organizationId, organizationId), eq(users.email, email)))
        .limit(1);
      if (existing) {
        throw new ConflictError("This address belongs to a member already.", {
          target: { table: "members", columns: ["organization_id", "user_id"] },
        });
      }
      await ctx.limiter.enforce("invitation", limitRule(rateLimit.perInviter), { account: `inviter:${userId}` });
      await ctx.limiter.enforce("invitation", limitRule(rateLimit.perOrganization), {
        account: `organization:${organizationId}`,
      });
      const inviter = await ctx.users.byId(userId);
      const actorAllowed = store.hasRole(organizationId, userId, allowed);

      for (let attempt = 1; ; attempt++) {
        const [pending] = await db
          .select()
          .from(invitations)
          .where(
            and(
              eq(invitations.organizationId, organizationId),
              eq(invitations.email, email),
              eq(invitations.status, "pending"),
            ),
          )
          .limit(1);
        const invitationId = pending?.id ?? uuidv7();
        const expiresAt = new Date(ctx.now() + expiresIn * 1000);
        let issued: { token: string; expires: Date } | undefined;
        let result: Awaited<ReturnType<typeof runGuarded>>;
        try {
          result = await runGuarded(ctx, organizationId, (q) => {
            const event = {
              action: pending ? "invitation.resent" : "invitation.created",
              actorId: userId,
              organizationId,
              target: { type: "invitation", id: invitationId },
              details: { email, role },
              request: caller,
            } as const;
            const guard = pending
              ? ctx.audit.guard(q, event, {
                  table: invitations,
                  where: and(eq(invitations.id, pending.id), eq(invitations.status, "pending"), actorAllowed),
                })
              : ctx.audit.guard(q, event, {
                  table: organizations,
                  where: and(eq(organizations.id, organizationId), actorAllowed),
                });
            const token = ctx.tokens.issueStatements(q, {
              purpose: PURPOSE,
              identifier: invitationId,
              expiresIn,
              when: guard.source,
            });
            issued = token.issued;
            const write = pending
              ? q
                  .update(invitations)
                  .set({ role, inviterId: userId, expiresAt })
                  .where(and(eq(invitations.id, pending.id), guard.recorded))
              : insertWhere(
                  q,
                  ctx.dialect,
                  invitations,
                  { id: invitationId, organizationId, email, role, inviterId: userId, status: "pending", expiresAt },
                  guard.source,
                );
            return { guard, changes: [write, ...token.statements] };
          });
        } catch (error) {
          // Another request created the pending invitation of this address first: re-send that one.
          if (!pending && attempt < 3 && isTetrastackError(toConflictError(error), "CONFLICT")) continue;
          throw error;
        }
        if (!result.done) {
          if (attempt < 3) continue; // the pending invitation ended meanwhile: invite anew
          throw new ConflictError("The invitation changed meanwhile; try again.");
        }
        const found = await details(invitationId);
        if (!found || !issued) throw new ConflictError("The invitation changed meanwhile; try again.");
        await send(found, issued, inviter);
        return found.invitation;
      }
    },

    async getInvitation(token) {
      return (await resolve({ token }, "getInvitation")).found;
    },

    async acceptInvitation(ref) {
      const caller = await ctx.caller.signedIn("any");
      const { found } = await resolve(ref, "acceptInvitation");
      const { invitation } = found;
      const user = await invitee(caller, invitation);
      const memberId = uuidv7();
      const verified = sql`exists (select 1 from ${users} where ${and(
        eq(users.id, user.id),
        eq(users.email, invitation.email),
        isNotNull(users.emailVerified),
      )})`;
      const { done } = await runGuarded(ctx, invitation.organizationId, (q) => {
        const guard = ctx.audit.guard(
          q,
          {
            action: "invitation.accepted",
            actorId: user.id,
            userId: user.id,
            organizationId: invitation.organizationId,
            target: { type: "invitation", id: invitation.id },
            details: { role: invitation.role },
            request: caller,
          },
          { table: invitations, where: stillPending(invitation, verified) },
        );
        return {
          guard,
          changes: [
            q
              .update(invitations)
              .set({ status: "accepted" })
              .where(and(eq(invitations.id, invitation.id), guard.recorded)),
            // Joined unless already a member (then the membership stays as it is).
            (
              insertWhere(
                q,
                ctx.dialect,
                members,
                { id: memberId, organizationId: invitation.organizationId, userId: user.id, role: invitation.role },
                guard.source,
              ) as AnyDatabase
            ).onConflictDoNothing(),
            ctx.tokens.removeStatement(
              q,
              PURPOSE,
              sql`(select cast(${invitations.id} as text) from ${invitations} where ${and(eq(invitations.id, invitation.id), guard.recorded)})`,
            ),
            ...(caller.session.sessionId
              ? [
                  q
                    .update(sessions)
                    .set({ activeOrganizationId: invitation.organizationId, updatedAt: sql`${sessions.updatedAt}` })
                    .where(and(eq(sessions.id, caller.session.sessionId), guard.recorded)),
                ]
              : []),
          ],
        };
      });
      if (!done) return gone(invitation.id);
      const member = await store.membership(invitation.organizationId, user.id);
      if (!member) throw new ConflictError("The organization changed meanwhile.");
      return { organizationId: invitation.organizationId, memberId: member.id, role: member.role };
    },

    async declineInvitation(ref) {
      const { found, byToken } = await resolve(ref, "declineInvitation");
      const { invitation } = found;
      let caller: FlowContext;
      let actorId: string | null = null;
      if (byToken) {
        caller = await ctx.caller.flow();
        actorId = caller.session?.userId ?? null;
      } else {
        const signedIn = await ctx.caller.signedIn("any");
        actorId = (await invitee(signedIn, invitation)).id;
        caller = signedIn;
      }
      const { done } = await runGuarded(ctx, invitation.organizationId, (q) => {
        const guard = ctx.audit.guard(
          q,
          {
            action: "invitation.declined",
            actorId,
            userId: actorId,
            organizationId: invitation.organizationId,
            target: { type: "invitation", id: invitation.id },
            details: { email: invitation.email },
            request: caller,
          },
          { table: invitations, where: stillPending(invitation) },
        );
        return { guard, changes: end(q, invitation, "declined", guard) };
      });
      if (!done) await gone(invitation.id);
    },

    async revokeInvitation(invitationId) {
      assertArgument(isId(invitationId), "revokeInvitation", "invitationId", "an invitation id (string)");
      const caller = await ctx.caller.signedIn("any");
      const { userId } = caller.session;
      const found = await details(invitationId);
      const actor = found ? await store.membership(found.invitation.organizationId, userId) : null;
      if (!found || !actor) throw store.notAMember();
      const allowed = access.rolesWith({ invitation: ["revoke"] } as never);
      if (!allowed.includes(actor.role)) {
        throw new ForbiddenError("Your role in this organization does not allow revoking invitations.");
      }
      const { invitation } = found;
      if (invitation.status !== "pending") throw invalidToken();
      const { done } = await runGuarded(ctx, invitation.organizationId, (q) => {
        const guard = ctx.audit.guard(
          q,
          {
            action: "invitation.revoked",
            actorId: userId,
            organizationId: invitation.organizationId,
            target: { type: "invitation", id: invitation.id },
            details: { email: invitation.email },
            request: caller,
          },
          {
            table: invitations,
            where: and(
              eq(invitations.id, invitation.id),
              eq(invitations.status, "pending"),
              store.hasRole(invitation.organizationId, userId, allowed),
            ),
          },
        );
        return { guard, changes: end(q, invitation, "revoked", guard) };
      });
      if (!done) throw new ConflictError("The invitation changed meanwhile; try again.");
    },

    async listInvitations(organizationId, options) {
      assertArgument(isId(organizationId), "listInvitations", "organizationId", "an organization id (string)");
      const status = options?.status ?? "pending";
      assertArgument(
        status === "all" || ["pending", "accepted", "declined", "revoked"].includes(status),
        "listInvitations",
        "options.status",
        '"pending", "accepted", "declined", "revoked" or "all"',
      );
      const caller = await ctx.caller.signedIn("any");
      const actor = await store.membership(organizationId, caller.session.userId);
      if (!actor) throw store.notAMember();
      if (!access.can(actor.role, { invitation: ["create"] } as never)) {
        throw new ForbiddenError("Your role in this organization does not allow seeing invitations.");
      }
      return db
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.organizationId, organizationId),
            status === "all" ? undefined : eq(invitations.status, status as InvitationStatus),
          ),
        )
        .orderBy(desc(invitations.createdAt), desc(invitations.id))
        .limit(LIST_LIMIT);
    },

    async listUserInvitations() {
      const caller = await ctx.caller.signedIn("any");
      await ctx.caller.atRequestTime?.(); // "unexpired" is a comparison with the clock
      const user = await ctx.users.byId(caller.session.userId);
      if (!user?.email || !user.emailVerified) return [];
      const rows = await db
        .select({
          invitation: invitations,
          organization: { id: organizations.id, name: organizations.name, slug: organizations.slug },
          inviter: { name: users.name, email: users.email },
        })
        .from(invitations)
        .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
        .leftJoin(users, eq(users.id, invitations.inviterId))
        .where(
          and(
            eq(invitations.email, user.email),
            inArray(invitations.status, ["pending"]),
            gt(invitations.expiresAt, new Date(ctx.now())),
          ),
        )
        .orderBy(desc(invitations.createdAt))
        .limit(LIST_LIMIT);
      return rows.map((row) => ({
        invitation: row.invitation,
        organization: row.organization,
        inviter: row.inviter ?? null,
      }));
    },
  };
}

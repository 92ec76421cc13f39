// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { PASSWORD, register } from "./auth-helpers.js";
import {
  auditEvents,
  invitations,
  members,
  organizations,
  sessions,
  users,
  verificationTokens,
} from "./engines/tables.js";
import { type captureMail, rejection, signIn } from "./lifecycle-helpers.js";
import { as, createOrganizationsAuth, type OrgAuth, orgActions, verifiedUser } from "./organizations-helpers.js";

// Organizations through the real flows: createAuth on a migrated database of the run's engine,
// sign-in through the Auth.js route handlers, the methods called as Server Actions of each
// user's browser. Only the mail provider is mocked (captureMail); every invitation link is taken
// out of the captured mail. The concurrency of the invariants: test/organizations-concurrency.test.ts.

describe("organizations", () => {
  let auth: OrgAuth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createOrganizationsAuth({
      organizations: { invitations: { rateLimit: { perInviter: 4, perOrganization: 6 } } },
    } as never));
  });
  afterAll(() => cleanup());

  it("creates an organization whose creator is its owner, with a slug from its name and an audit event", async () => {
    const { userId, browser } = await verifiedUser(auth, db, "olga@example.com");
    const org = await as(browser, () =>
      auth.createOrganization({ name: "  Acme Rockets  ", metadata: { plan: "pro" } }),
    );
    expect(org).toMatchObject({ name: "Acme Rockets", slug: "acme-rockets", metadata: { plan: "pro" } });
    expect(
      await db
        .select({ userId: members.userId, role: members.role })
        .from(members)
        .where(eq(members.organizationId, org.id)),
    ).toEqual([{ userId, role: "owner" }]);
    expect(await orgActions(db, org.id)).toEqual(["organization.created"]);

    // The same name again: the slug gets a suffix; a chosen slug that is taken is a ConflictError.
    const again = await as(browser, () => auth.createOrganization({ name: "Acme Rockets" }));
    expect(again.slug).toMatch(/^acme-rockets-[0-9a-f]{6}$/);
    const taken = await rejection(as(browser, () => auth.createOrganization({ name: "Other", slug: "acme-rockets" })));
    expect(taken.code).toBe("CONFLICT");
    const bad = await rejection(as(browser, () => auth.createOrganization({ name: "", slug: "Not A Slug" })));
    expect(bad.code).toBe("VALIDATION_FAILED");
    expect((await rejection(as(null, () => auth.createOrganization({ name: "Anon" })))).code).toBe("UNAUTHORIZED");

    const mine = await as(browser, () => auth.listOrganizations());
    expect(mine.map((o) => [o.slug, o.role])).toEqual([
      ["acme-rockets", "owner"],
      [again.slug, "owner"],
    ]);
    expect(await as(browser, () => auth.getOrganization({ slug: "acme-rockets" }))).toMatchObject({
      id: org.id,
      role: "owner",
    });
  });

  it("keeps the active organization on the session row, checked for membership, and requireMember reads it", async () => {
    const { browser } = await verifiedUser(auth, db, "ann@example.com");
    const { browser: stranger } = await verifiedUser(auth, db, "stranger@example.com");
    const org = await as(browser, () => auth.createOrganization({ name: "Ann's team" }));

    expect((await as(browser, () => auth.getSession()))?.activeOrganizationId).toBeNull();
    expect((await rejection(as(browser, () => auth.requireMember()))).code).toBe("NO_ACTIVE_ORGANIZATION");
    await as(browser, () => auth.setActiveOrganization(org.id));
    expect((await as(browser, () => auth.getSession()))?.activeOrganizationId).toBe(org.id);
    // Auth.js's own session route answers the same.
    expect((await browser.session())?.activeOrganizationId).toBe(org.id);

    const membership = await as(browser, () => auth.requireMember(undefined, { permission: { project: ["delete"] } }));
    expect(membership).toMatchObject({ organizationId: org.id, role: "owner" });
    expect(membership.can({ organization: ["delete"] })).toBe(true);

    // A stranger can neither make it active nor pass requireMember for it.
    expect((await rejection(as(stranger, () => auth.setActiveOrganization(org.id)))).code).toBe("NOT_A_MEMBER");
    expect((await rejection(as(stranger, () => auth.requireMember(org.id)))).code).toBe("NOT_A_MEMBER");
    expect((await rejection(as(stranger, () => auth.setActiveOrganization("not-an-id")))).code).toBe("NOT_A_MEMBER");
    expect((await as(stranger, () => auth.getSession()))?.activeOrganizationId).toBeNull();
    expect((await rejection(as(null, () => auth.requireMember(org.id)))).code).toBe("UNAUTHORIZED");

    // redirectTo: Next's redirect instead of the error.
    const redirected = await rejection(
      as(stranger, () => auth.requireMember(org.id, { redirectTo: "/organizations" })),
    );
    expect((redirected as { digest?: string }).digest).toMatch(/^NEXT_REDIRECT;replace;\/organizations;/);

    await as(browser, () => auth.setActiveOrganization(null));
    expect((await as(browser, () => auth.getSession()))?.activeOrganizationId).toBeNull();
    expect(
      await auth.hasPermission({
        userId: membership.user.id,
        organizationId: org.id,
        permission: { project: ["delete"] },
      }),
    ).toBe(true);
  });

  it("invites an address that has no account yet; it registers, verifies the address and accepts", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "owen@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Owen & Co" }));
    const invitation = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "  New.Person@Example.com ", role: "admin" }),
    );
    expect(invitation).toMatchObject({ email: "new.person@example.com", role: "admin", status: "pending" });
    const hours = (invitation.expiresAt.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThanOrEqual(48);

    const link = mail.link("new.person@example.com");
    expect(link.pathname).toBe("/accept-invitation");
    expect(mail.last("new.person@example.com").subject).toBe("Join Owen & Co on Tetra Test");
    const token = link.searchParams.get("token") ?? "";
    // Only the token's SHA-256 is stored, keyed by the invitation.
    const [stored] = await db.select().from(verificationTokens).where(eq(verificationTokens.identifier, invitation.id));
    expect(stored?.purpose).toBe("organization-invitation");
    expect(stored?.token).not.toContain(token);
    expect(stored?.token).toHaveLength(64);

    // The link's page, for anybody holding it.
    const shown = await as(null, () => auth.getInvitation(token));
    expect(shown).toMatchObject({
      organization: { id: org.id, name: "Owen & Co" },
      inviter: { email: "owen@example.com" },
      invitation: { id: invitation.id, role: "admin" },
    });

    // The invitee signs up with the invited address: not verified yet, so not accepted yet.
    const inviteeId = await register(auth as unknown as Auth, "new.person@example.com");
    const invitee = await signIn(auth as unknown as Auth, "new.person@example.com");
    expect((await rejection(as(invitee, () => auth.acceptInvitation({ token })))).code).toBe("EMAIL_NOT_VERIFIED");
    expect(await as(invitee, () => auth.listUserInvitations())).toEqual([]);

    // Verifying through the real link, then the invitation appears and is accepted.
    await as(invitee, () => auth.requestEmailVerification("new.person@example.com"));
    expect(mail.last("new.person@example.com").subject).toMatch(/^Verify/);
    await as(invitee, () => auth.verifyEmail(mail.token("new.person@example.com")));
    expect((await as(invitee, () => auth.listUserInvitations())).map((i) => i.invitation.id)).toEqual([invitation.id]);
    const accepted = await as(invitee, () => auth.acceptInvitation({ token }));
    expect(accepted).toMatchObject({ organizationId: org.id, role: "admin" });
    // The organization is now the session's active one, and the invitee sees it.
    const membership = await as(invitee, () => auth.requireMember());
    expect(membership).toMatchObject({ organizationId: org.id, role: "admin", user: { id: inviteeId } });

    // The link worked once; the invitation and its token are settled.
    expect((await rejection(as(invitee, () => auth.acceptInvitation({ token })))).code).toBe("TOKEN_INVALID");
    expect((await rejection(as(null, () => auth.getInvitation(token)))).code).toBe("TOKEN_INVALID");
    expect(await db.select().from(verificationTokens).where(eq(verificationTokens.identifier, invitation.id))).toEqual(
      [],
    );
    const [row] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row?.status).toBe("accepted");
    expect(await orgActions(db, org.id)).toEqual(["organization.created", "invitation.created", "invitation.accepted"]);

    // Inviting a member again is a conflict.
    const again = await rejection(
      as(owner, () => auth.inviteMember({ organizationId: org.id, email: "new.person@example.com", role: "member" })),
    );
    expect(again.code).toBe("CONFLICT");
  });

  it("accepts only for the signed-in user whose verified email is the invited one", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "pat@example.com");
    const { browser: other } = await verifiedUser(auth, db, "not-invited@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Pat's" }));
    const invitation = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "quinn@example.com", role: "member" }),
    );
    const token = mail.token("quinn@example.com");
    expect((await rejection(as(other, () => auth.acceptInvitation({ token })))).code).toBe("FORBIDDEN");
    expect((await rejection(as(other, () => auth.acceptInvitation({ invitationId: invitation.id })))).code).toBe(
      "FORBIDDEN",
    );
    expect((await rejection(as(null, () => auth.acceptInvitation({ token })))).code).toBe("UNAUTHORIZED");
    expect((await rejection(as(other, () => auth.acceptInvitation({ token: "x".repeat(43) })))).code).toBe(
      "TOKEN_INVALID",
    );
    // Still usable by the right person, by id from their list.
    const { browser: quinn } = await verifiedUser(auth, db, "quinn@example.com");
    const accepted = await as(quinn, () => auth.acceptInvitation({ invitationId: invitation.id }));
    expect(accepted.role).toBe("member");
  });

  it("re-sends by inviting again (the old link stops working) and limits invitations per inviter", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "rita@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Rita's" }));
    const first = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "sam@example.com", role: "member" }),
    );
    const oldToken = mail.token("sam@example.com");
    const second = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "sam@example.com", role: "viewer" }),
    );
    const newToken = mail.token("sam@example.com");
    expect(second.id).toBe(first.id);
    expect(second.role).toBe("viewer");
    expect(newToken).not.toBe(oldToken);
    expect((await rejection(as(null, () => auth.getInvitation(oldToken)))).code).toBe("TOKEN_INVALID");
    expect((await as(null, () => auth.getInvitation(newToken))).invitation.role).toBe("viewer");
    const pending = await as(owner, () => auth.listInvitations(org.id));
    expect(pending.map((i) => [i.email, i.role])).toEqual([["sam@example.com", "viewer"]]);
    expect(await orgActions(db, org.id)).toEqual(["organization.created", "invitation.created", "invitation.resent"]);

    // perInviter: 4 per hour here: two more, then refused before any mail is sent.
    await as(owner, () => auth.inviteMember({ organizationId: org.id, email: "t1@example.com", role: "member" }));
    await as(owner, () => auth.inviteMember({ organizationId: org.id, email: "t2@example.com", role: "member" }));
    const sent = mail.sent.length;
    const limited = await rejection(
      as(owner, () => auth.inviteMember({ organizationId: org.id, email: "t3@example.com", role: "member" })),
    );
    expect(limited.code).toBe("RATE_LIMITED");
    expect(mail.sent.length).toBe(sent);
  });

  it("limits invitations per organization across its inviters", async () => {
    const { browser: owner, userId } = await verifiedUser(auth, db, "uma@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Uma's" }));
    const { browser: admin, userId: adminId } = await verifiedUser(auth, db, "uma-admin@example.com");
    await db.insert(members).values({ organizationId: org.id, userId: adminId, role: "admin" });
    void userId;
    for (const [browser, n] of [
      [owner, 1],
      [owner, 2],
      [owner, 3],
      [admin, 4],
      [admin, 5],
      [admin, 6],
    ] as const) {
      await as(browser, () =>
        auth.inviteMember({ organizationId: org.id, email: `org-limit-${n}@example.com`, role: "member" }),
      );
    }
    const limited = await rejection(
      as(admin, () => auth.inviteMember({ organizationId: org.id, email: "org-limit-7@example.com", role: "member" })),
    );
    expect(limited.code).toBe("RATE_LIMITED");
  });

  it("declines by the link without signing in, revokes by an admin, and refuses members who may not invite", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "vic@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Vic's" }));
    await as(owner, () => auth.inviteMember({ organizationId: org.id, email: "decliner@example.com", role: "member" }));
    const token = mail.token("decliner@example.com");
    await as(null, () => auth.declineInvitation({ token }));
    expect((await rejection(as(null, () => auth.getInvitation(token)))).code).toBe("TOKEN_INVALID");

    const revoked = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "revoked@example.com", role: "member" }),
    );
    const revokedToken = mail.token("revoked@example.com");
    await as(owner, () => auth.revokeInvitation(revoked.id));
    expect((await rejection(as(null, () => auth.getInvitation(revokedToken)))).code).toBe("TOKEN_INVALID");
    const all = await as(owner, () => auth.listInvitations(org.id, { status: "all" }));
    expect(all.map((i) => [i.email, i.status]).sort()).toEqual([
      ["decliner@example.com", "declined"],
      ["revoked@example.com", "revoked"],
    ]);

    const { browser: plain, userId: plainId } = await verifiedUser(auth, db, "plain@example.com");
    await db.insert(members).values({ organizationId: org.id, userId: plainId, role: "member" });
    const refused = await rejection(
      as(plain, () => auth.inviteMember({ organizationId: org.id, email: "x@example.com", role: "member" })),
    );
    expect(refused.code).toBe("FORBIDDEN");
    expect((await rejection(as(plain, () => auth.listInvitations(org.id)))).code).toBe("FORBIDDEN");
    expect(await orgActions(db, org.id)).toEqual([
      "organization.created",
      "invitation.created",
      "invitation.declined",
      "invitation.created",
      "invitation.revoked",
    ]);
  });

  it("lets only owners make owners or touch an owner, and never loses the last owner", async () => {
    const { browser: owner, userId: ownerId } = await verifiedUser(auth, db, "wes@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Wes's" }));
    const { browser: admin, userId: adminId } = await verifiedUser(auth, db, "wes-admin@example.com");
    const { userId: memberId } = await verifiedUser(auth, db, "wes-member@example.com");
    await db.insert(members).values([
      { organizationId: org.id, userId: adminId, role: "admin" },
      { organizationId: org.id, userId: memberId, role: "member" },
    ]);
    const row = async (userId: string) =>
      (
        await db
          .select()
          .from(members)
          .where(and(eq(members.organizationId, org.id), eq(members.userId, userId)))
      )[0];
    const ownerRow = await row(ownerId);
    const memberRow = await row(memberId);
    const adminRow = await row(adminId);
    if (!ownerRow || !memberRow || !adminRow) throw new Error("seed failed");

    // An admin manages members, but cannot make an owner, nor demote or remove one.
    expect((await as(admin, () => auth.updateMemberRole(org.id, memberRow.id, "viewer"))).role).toBe("viewer");
    expect((await rejection(as(admin, () => auth.updateMemberRole(org.id, memberRow.id, "owner")))).code).toBe(
      "FORBIDDEN",
    );
    expect((await rejection(as(admin, () => auth.updateMemberRole(org.id, ownerRow.id, "member")))).code).toBe(
      "FORBIDDEN",
    );
    expect((await rejection(as(admin, () => auth.removeMember(org.id, ownerRow.id)))).code).toBe("FORBIDDEN");
    expect(
      (
        await rejection(
          as(admin, () => auth.inviteMember({ organizationId: org.id, email: "o@example.com", role: "owner" })),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await rejection(as(admin, () => auth.updateMemberRole(org.id, memberRow.id, "nope" as never)))).code).toBe(
      "VALIDATION_FAILED",
    );

    // The last owner can neither demote themselves, nor leave, nor be removed.
    expect((await rejection(as(owner, () => auth.updateMemberRole(org.id, ownerRow.id, "admin")))).code).toBe(
      "LAST_OWNER",
    );
    expect((await rejection(as(owner, () => auth.leaveOrganization(org.id)))).code).toBe("LAST_OWNER");
    expect((await rejection(as(owner, () => auth.removeMember(org.id, ownerRow.id)))).code).toBe("LAST_OWNER");

    // An owner makes another owner; then the first may step down and leave.
    expect((await as(owner, () => auth.updateMemberRole(org.id, adminRow.id, "owner"))).role).toBe("owner");
    expect((await as(owner, () => auth.updateMemberRole(org.id, ownerRow.id, "member"))).role).toBe("member");
    await as(owner, () => auth.leaveOrganization(org.id));
    expect(await row(ownerId)).toBeUndefined();
    expect((await rejection(as(owner, () => auth.listMembers(org.id)))).code).toBe("NOT_A_MEMBER");
    const [{ owners } = { owners: 0 }] = await db
      .select({ owners: count() })
      .from(members)
      .where(and(eq(members.organizationId, org.id), eq(members.role, "owner")));
    expect(owners).toBe(1);
    const events = await db
      .select({ action: auditEvents.action, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, "member.role_changed")));
    const changes = events.map((e) => e.details as { from: string; to: string });
    expect(changes.map(({ from, to }) => `${from} → ${to}`).sort()).toEqual([
      "admin → owner",
      "member → viewer",
      "owner → member",
    ]);
  });

  it("applies a demotion at the member's next check and a removal at their very next request", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "xena@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Xena's" }));
    await as(owner, () => auth.inviteMember({ organizationId: org.id, email: "yuri@example.com", role: "admin" }));
    const token = mail.token("yuri@example.com");
    const { browser: yuri } = await verifiedUser(auth, db, "yuri@example.com");
    const { memberId } = await as(yuri, () => auth.acceptInvitation({ token }));
    const mayDelete = () => as(yuri, () => auth.requireMember(undefined, { permission: { project: ["delete"] } }));
    expect((await mayDelete()).role).toBe("admin");

    await as(owner, () => auth.updateMemberRole(org.id, memberId, "member"));
    expect((await rejection(mayDelete())).code).toBe("FORBIDDEN");
    expect((await as(yuri, () => auth.requireMember(undefined, { permission: { project: ["create"] } }))).role).toBe(
      "member",
    );

    await as(owner, () => auth.removeMember(org.id, memberId));
    expect((await rejection(as(yuri, () => auth.requireMember()))).code).toBe("NO_ACTIVE_ORGANIZATION");
    expect((await rejection(as(yuri, () => auth.requireMember(org.id)))).code).toBe("NOT_A_MEMBER");
    expect((await as(yuri, () => auth.getSession()))?.activeOrganizationId).toBeNull();
    expect((await rejection(as(yuri, () => auth.getOrganization({ id: org.id })))).code).toBe("NOT_A_MEMBER");
    // Their sessions lost it as active organization in the removal's own transaction.
    const active = await db
      .select({ active: sessions.activeOrganizationId })
      .from(sessions)
      .where(eq(sessions.activeOrganizationId, org.id));
    expect(active.length).toBe(0);
  });

  it("deletes an organization (owner, fresh session) with its members, invitations and links", async () => {
    const { browser: owner } = await verifiedUser(auth, db, "zoe@example.com");
    const org = await as(owner, () => auth.createOrganization({ name: "Zoe's" }));
    const { browser: admin, userId: adminId } = await verifiedUser(auth, db, "zoe-admin@example.com");
    await db.insert(members).values({ organizationId: org.id, userId: adminId, role: "admin" });
    await as(admin, () => auth.setActiveOrganization(org.id));
    const invitation = await as(owner, () =>
      auth.inviteMember({ organizationId: org.id, email: "zed@example.com", role: "member" }),
    );

    expect((await rejection(as(admin, () => auth.deleteOrganization(org.id)))).code).toBe("FORBIDDEN");
    // Signed in an hour ago: older than session.freshAge.
    const ownerSession = (await as(owner, () => auth.getSession()))?.sessionId ?? "";
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.id, ownerSession));
    expect((await rejection(as(owner, () => auth.deleteOrganization(org.id)))).code).toBe("SESSION_STALE");
    await db.update(sessions).set({ createdAt: new Date() }).where(eq(sessions.id, ownerSession));

    await as(owner, () => auth.deleteOrganization(org.id));
    expect(await db.select().from(organizations).where(eq(organizations.id, org.id))).toEqual([]);
    expect(await db.select().from(members).where(eq(members.organizationId, org.id))).toEqual([]);
    expect(await db.select().from(invitations).where(eq(invitations.organizationId, org.id))).toEqual([]);
    expect(await db.select().from(verificationTokens).where(eq(verificationTokens.identifier, invitation.id))).toEqual(
      [],
    );
    // The admin's very next request: no active organization any more (ON DELETE SET NULL).
    expect((await rejection(as(admin, () => auth.requireMember()))).code).toBe("NO_ACTIVE_ORGANIZATION");
    // The log outlives the organization.
    expect((await orgActions(db, org.id)).at(-1)).toBe("organization.deleted");
  });

  it("refuses to delete the account of a last owner with other members, and deletes an organization it is alone in", async () => {
    const { browser: owner, userId } = await verifiedUser(auth, db, "last@example.com");
    const shared = await as(owner, () => auth.createOrganization({ name: "Shared" }));
    const alone = await as(owner, () => auth.createOrganization({ name: "Alone" }));
    const { userId: otherId } = await verifiedUser(auth, db, "last-other@example.com");
    await db.insert(members).values({ organizationId: shared.id, userId: otherId, role: "member" });
    const refused = await rejection(as(owner, () => auth.deleteAccount({ password: PASSWORD })));
    expect(refused.code).toBe("LAST_OWNER");
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, userId))).toHaveLength(1);

    await db.update(members).set({ role: "owner" }).where(eq(members.userId, otherId));
    await as(owner, () => auth.deleteAccount({ password: PASSWORD }));
    expect(await db.select().from(organizations).where(eq(organizations.id, alone.id))).toEqual([]);
    expect(
      await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, shared.id)),
    ).toHaveLength(1);
    expect(await db.select().from(members).where(eq(members.userId, userId))).toEqual([]);
  });
});

describe("organizations off", () => {
  it("throws ConfigError from every organization method, and getSession carries no activeOrganizationId", async () => {
    const t = await createOrganizationsAuth();
    const plain = await import("./lifecycle-helpers.js").then((m) => m.createLifecycleAuth());
    try {
      const { browser } = await import("./lifecycle-helpers.js").then((m) => m.signedIn(plain.auth, "off@example.com"));
      const error = await rejection(as(browser, () => plain.auth.createOrganization({ name: "x" })));
      expect(error.code).toBe("CONFIG_INVALID");
      expect((await rejection(as(browser, () => plain.auth.requireMember()))).code).toBe("CONFIG_INVALID");
      expect(await as(browser, () => plain.auth.getSession())).not.toHaveProperty("activeOrganizationId");
    } finally {
      t.cleanup();
      plain.cleanup();
    }
  });
});

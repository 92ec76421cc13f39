// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { createTestAuth, ORIGIN, PASSWORD } from "./auth-helpers.js";
import { auditEvents, members, users } from "./engines/tables.js";
import { createTestDatabase, openSecondClient, testEngine } from "./helpers.js";
import { captureMail, signedIn } from "./lifecycle-helpers.js";
import { access, as, type OrgAuth, outcomes } from "./organizations-helpers.js";

// The invariants of organizations under concurrency, on every engine: each race is run as two
// app instances on two connections to the same database (a second libSQL client on the file or
// the stand-in's URL, a second pool on the PostgreSQL server; PGlite has one connection, so there
// the two instances share it), each request a Server Action of its own browser, all started at
// once. Several rounds each, so that a race that can be lost is lost at least once. Mail is the
// one thing mocked (captureMail).

const ROUNDS = 4;

describe(`organization invariants under concurrency (${testEngine()})`, () => {
  let one: OrgAuth;
  let two: OrgAuth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  const close: (() => void)[] = [];
  beforeAll(async () => {
    const t = await createTestDatabase();
    const second = await openSecondClient({ db: t.db, url: t.url });
    close.push(second.close, t.cleanup);
    db = t.db;
    mail = captureMail();
    const options = {
      sendEmail: mail.sendEmail,
      baseURL: ORIGIN,
      organizations: { access },
      rateLimit: { enabled: false },
    } as never;
    one = (await createTestAuth(options, { db: t.db })).auth as unknown as OrgAuth;
    two = (await createTestAuth(options, { db: second.db })).auth as unknown as OrgAuth;
  });
  afterAll(() => {
    for (const done of close) done();
  });

  let people = 0;
  /** A verified user signed in on instance one. */
  async function person(label: string) {
    const email = `${label}-${++people}@example.com`;
    const user = await signedIn(one as unknown as Auth, email);
    await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, user.userId));
    return { ...user, email };
  }

  /** An organization with two owners, and their member rows. */
  async function twoOwners() {
    const a = await person("owner-a");
    const b = await person("owner-b");
    const org = await as(a.browser, () => one.createOrganization({ name: "Race" }));
    await db.insert(members).values({ organizationId: org.id, userId: b.userId, role: "owner" });
    const rows = await db.select().from(members).where(eq(members.organizationId, org.id));
    const rowOf = (userId: string) => rows.find((row) => row.userId === userId)?.id ?? "";
    return { org, a, b, aMember: rowOf(a.userId), bMember: rowOf(b.userId) };
  }

  async function owners(organizationId: string): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(members)
      .where(and(eq(members.organizationId, organizationId), eq(members.role, "owner")));
    return row?.n ?? 0;
  }

  it("two owners demoting each other at once: exactly one demotion wins, the organization keeps an owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { org, a, b, aMember, bMember } = await twoOwners();
      const settled = await Promise.allSettled([
        as(a.browser, () => one.updateMemberRole(org.id, bMember, "admin")),
        as(b.browser, () => two.updateMemberRole(org.id, aMember, "admin")),
      ]);
      const result = outcomes(settled);
      expect(result.fulfilled).toBe(1);
      // The loser is no owner any more (only owners touch owners), or would remove the last one.
      expect(["FORBIDDEN", "LAST_OWNER"]).toContain(result.codes[0]);
      expect(await owners(org.id)).toBe(1);
      // One event for the one change: none was written for the refused one.
      const changed = await db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, "member.role_changed")));
      expect(changed[0]?.n).toBe(1);
    }
  });

  it("two owners demoting themselves at once: one stays owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { org, a, b, aMember, bMember } = await twoOwners();
      const settled = await Promise.allSettled([
        as(a.browser, () => one.updateMemberRole(org.id, aMember, "member")),
        as(b.browser, () => two.updateMemberRole(org.id, bMember, "member")),
      ]);
      expect(outcomes(settled)).toEqual({ fulfilled: 1, codes: ["LAST_OWNER"] });
      expect(await owners(org.id)).toBe(1);
    }
  });

  it("two owners leaving at once, or removing each other at once: one owner remains", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const leave = await twoOwners();
      const left = await Promise.allSettled([
        as(leave.a.browser, () => one.leaveOrganization(leave.org.id)),
        as(leave.b.browser, () => two.leaveOrganization(leave.org.id)),
      ]);
      expect(outcomes(left)).toEqual({ fulfilled: 1, codes: ["LAST_OWNER"] });
      expect(await owners(leave.org.id)).toBe(1);

      const remove = await twoOwners();
      const removed = await Promise.allSettled([
        as(remove.a.browser, () => one.removeMember(remove.org.id, remove.bMember)),
        as(remove.b.browser, () => two.removeMember(remove.org.id, remove.aMember)),
      ]);
      const result = outcomes(removed);
      expect(result.fulfilled).toBe(1);
      // The loser is either refused as the last owner or, removed already, no member any more.
      expect(["LAST_OWNER", "NOT_A_MEMBER"]).toContain(result.codes[0]);
      expect(await owners(remove.org.id)).toBe(1);
    }
  });

  it("a demotion racing a promotion by an owner who is being demoted: never zero owners, never an owner made by a non-owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { org, a, b, aMember } = await twoOwners();
      const c = await person("member-c");
      await db.insert(members).values({ organizationId: org.id, userId: c.userId, role: "member" });
      const [cRow] = await db
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.organizationId, org.id), eq(members.userId, c.userId)));
      // B demotes A while A promotes C: if A is demoted first, A may not make an owner any more.
      const settled = await Promise.allSettled([
        as(b.browser, () => two.updateMemberRole(org.id, aMember, "admin")),
        as(a.browser, () => one.updateMemberRole(org.id, cRow?.id ?? "", "owner")),
      ]);
      const result = outcomes(settled);
      expect(result.fulfilled).toBeGreaterThanOrEqual(1);
      expect(result.codes.every((code) => code === "FORBIDDEN")).toBe(true);
      const rows = await db.select().from(members).where(eq(members.organizationId, org.id));
      const roleOf = (userId: string) => rows.find((row) => row.userId === userId)?.role;
      expect(await owners(org.id)).toBeGreaterThanOrEqual(1);
      // Both may succeed (the promotion first); the promotion after A's demotion is refused.
      if (roleOf(a.userId) === "admin" && settled[1]?.status === "rejected") expect(roleOf(c.userId)).toBe("member");
    }
  });

  it("two acceptances of one invitation at once (to an address that registered after it was sent): one membership", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = await person("inviter");
      const org = await as(owner.browser, () => one.createOrganization({ name: "Invites" }));
      const email = `late-${round}-${people}@example.com`;
      const invitation = await as(owner.browser, () =>
        one.inviteMember({ organizationId: org.id, email, role: "admin" }),
      );
      const token = mail.token(email);
      // The address registers only now, and verifies; then two tabs accept at once (token and id).
      const invitee = await signedIn(one as unknown as Auth, email, PASSWORD);
      await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, invitee.userId));
      const settled = await Promise.allSettled([
        as(invitee.browser, () => one.acceptInvitation({ token })),
        as(invitee.browser, () => two.acceptInvitation(round % 2 === 0 ? { token } : { invitationId: invitation.id })),
      ]);
      expect(outcomes(settled)).toEqual({ fulfilled: 1, codes: ["TOKEN_INVALID"] });
      const joined = await db
        .select({ role: members.role })
        .from(members)
        .where(and(eq(members.organizationId, org.id), eq(members.userId, invitee.userId)));
      expect(joined).toEqual([{ role: "admin" }]);
      const accepted = await db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, "invitation.accepted")));
      expect(accepted[0]?.n).toBe(1);
    }
  });

  it("an acceptance racing a revocation: either the member joined or the invitation was revoked, never both", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = await person("revoker");
      const org = await as(owner.browser, () => one.createOrganization({ name: "Revokes" }));
      const email = `revoke-race-${round}-${people}@example.com`;
      const invitation = await as(owner.browser, () =>
        one.inviteMember({ organizationId: org.id, email, role: "member" }),
      );
      const token = mail.token(email);
      const invitee = await signedIn(one as unknown as Auth, email, PASSWORD);
      await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, invitee.userId));
      const settled = await Promise.allSettled([
        as(invitee.browser, () => one.acceptInvitation({ token })),
        as(owner.browser, () => two.revokeInvitation(invitation.id)),
      ]);
      const result = outcomes(settled);
      expect(result.fulfilled).toBe(1);
      const joined = await db
        .select({ n: count() })
        .from(members)
        .where(and(eq(members.organizationId, org.id), eq(members.userId, invitee.userId)));
      const acceptedFirst = settled[0]?.status === "fulfilled";
      expect(joined[0]?.n).toBe(acceptedFirst ? 1 : 0);
    }
  });
});

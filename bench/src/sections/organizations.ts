import { hashSessionToken } from "@tetrastack/backend/auth";
import { members, users } from "@tetrastack/backend/database";
import { Browser } from "../browser.js";
import { CHEAP_SCRYPT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope, pace } from "../context.js";
import { connect } from "../fixture.js";
import { type Contender, race, ratio, stats } from "../harness.js";
import { type Figure, type Section, target } from "../report.js";

const PASSWORD = "correct horse battery staple";
const COOKIE = "authjs.session-token";
/** Other members of the measured organization, and other organizations' members: the check must not care. */
const CROWD = 2000;

/** Names of the contenders. */
const O = {
  plain: "getSession(), organizations off",
  session: "getSession(), organizations on (active organization joined)",
  active: "requireMember() of the active organization, with a permission",
  other: "requireMember(organizationId) of another organization",
  permission: "hasPermission({ userId, organizationId, permission })",
  floor: "floor: @libsql/client membership point SELECT",
} as const;

export async function organizationsSection(context: BenchContext): Promise<Section> {
  const { db, url } = context;
  // Two instances on the same database: one without organizations (the join is off), one with.
  const off = tetrastack(db, { password: { scrypt: CHEAP_SCRYPT } });
  const on = tetrastack(db, { password: { scrypt: CHEAP_SCRYPT }, organizations: {} });
  await on.registerUser({ email: "orgs@bench.test", password: PASSWORD, name: "Org User" }, { ip: null });
  const browser = new Browser(on.handlers);
  await browser.signIn("orgs@bench.test", PASSWORD);
  const token = browser.cookies.get(COOKIE);
  check(token, "the organizations instance's sign-in set no session cookie");
  const scope = componentScope({ [COOKIE]: token });

  const active = await asComponent(scope, () => on.createOrganization({ name: "Bench active" }));
  const other = await asComponent(scope, () => on.createOrganization({ name: "Bench other" }));
  await asComponent(scope, () => on.setActiveOrganization(active.id));

  // A crowd in both organizations, so the lookup is measured on a table of some size.
  const crowd = Array.from({ length: CROWD }, (_, i) => ({ email: `crowd-${i}@bench.test` }));
  for (let i = 0; i < crowd.length; i += 500) {
    const inserted = await db
      .insert(users)
      .values(crowd.slice(i, i + 500))
      .returning({ id: users.id });
    await db.insert(members).values(
      inserted.flatMap((user, j) => [
        { organizationId: active.id, userId: user.id, role: j % 10 === 0 ? "admin" : "member" },
        { organizationId: other.id, userId: user.id, role: "member" },
      ]),
    );
  }
  const session = await asComponent(scope, () => on.getSession());
  check(session?.activeOrganizationId === active.id, "the session carries no active organization");
  const userId = session.user.id;

  const floorClient = connect(url);
  const contenders: Contender[] = [
    { name: O.plain, op: () => asComponent(scope, () => off.getSession()) },
    { name: O.session, op: () => asComponent(scope, () => on.getSession()) },
    {
      name: O.active,
      op: () => asComponent(scope, () => on.requireMember(undefined, { permission: { member: ["update"] } })),
    },
    { name: O.other, op: () => asComponent(scope, () => on.requireMember(other.id)) },
    {
      name: O.permission,
      op: () => on.hasPermission({ userId, organizationId: active.id, permission: { member: ["update"] } }),
    },
    {
      name: O.floor,
      op: () =>
        floorClient.execute({
          sql: "SELECT id, role FROM members WHERE organization_id = ? AND user_id = ? LIMIT 1",
          args: [active.id, userId],
        }),
    },
  ];
  // Each must do what it is measured for.
  check((await contenders[2]?.op()) !== undefined, "requireMember() failed");
  check(
    ((await contenders[3]?.op()) as { organizationId?: string } | undefined)?.organizationId === other.id,
    "requireMember(id) failed",
  );
  check((await contenders[4]?.op()) === true, "hasPermission() said no");
  check(hashSessionToken(token).length === 64, "token hash");

  context.log(`  organizations: ${contenders.length} contenders, ${CROWD * 2} other memberships`);
  const rates = await race(contenders, pace(context, 7, 250));
  floorClient.close();
  const series = (name: string): number[] => rates.get(name) ?? [];
  const figures: Figure[] = contenders.map((contender) => ({
    name: contender.name,
    unit: "req/s",
    stats: stats(series(contender.name)),
  }));
  const activeVsSession = ratio(series(O.active), series(O.session));
  const otherVsSession = ratio(series(O.other), series(O.session));
  const joinCost = ratio(series(O.session), series(O.plain));
  const ratios: Figure[] = [
    {
      name: "requireMember() ÷ getSession(), organizations on",
      unit: "×",
      stats: activeVsSession,
      // The same one query: only the permission check in memory is added.
      target: target("≥ 0.85×", activeVsSession.median, { atLeast: 0.85 }),
    },
    {
      name: "requireMember(organizationId) of another organization ÷ getSession(), organizations on",
      unit: "×",
      stats: otherVsSession,
    },
    {
      name: "getSession() with organizations on ÷ off (the cost of the membership join)",
      unit: "×",
      stats: joinCost,
      target: target("≥ 0.85×", joinCost.median, { atLeast: 0.85 }),
    },
    {
      name: "hasPermission() ÷ the membership point SELECT",
      unit: "×",
      stats: ratio(series(O.permission), series(O.floor)),
    },
  ];
  return {
    title: "Organizations: the membership check",
    method: `One caller, back to back, as Server Components (stubbed \`next/headers\`, read-only cookies) on the same libSQL file: a signed-in member of two organizations (one active on the session), each with ${CROWD} other members. requireMember() of the active organization reads the membership with the session in one query (a LEFT JOIN on members' unique (organization_id, user_id) index); of another organization it adds one prepared point query on that index, as hasPermission() does.`,
    figures,
    ratios,
    notes: [],
  };
}

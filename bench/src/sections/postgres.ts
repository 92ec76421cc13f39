import { DEFAULT_SCRYPT_PARAMS, hashPassword, hashSessionToken, verifyPassword } from "@tetrastack/backend/auth";
import { eq } from "drizzle-orm";
import { addressFactory, Browser } from "../browser.js";
import { CHEAP_SCRYPT, plainDatabaseOn, plainJWTWith, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope, pace } from "../context.js";
import { latency, perRound, race, ratio, stats } from "../harness.js";
import {
  drizzlePg,
  packagePostgres,
  pgPlainAccounts,
  pgPlainSessions,
  pgPlainUsers,
  pgPlainVerificationTokens,
  pool,
  postgresUnavailable,
  seedPostgresUsers,
} from "../postgres.js";
import { type Figure, type Section, target } from "../report.js";
import { cycle, emails, PASSWORD } from "../seed.js";
import { signInOp } from "./signin.js";

const COOKIE = "authjs.session-token";

/** Names of the contenders. */
const P = {
  getSession: "tetrastack getSession() (Server Component), pg",
  fromRequest: "tetrastack getSessionFromRequest(request), pg",
  auth: "tetrastack auth() (Server Component, through Auth.js), pg",
  handler: "tetrastack GET /api/auth/session, pg",
  plainAuth: "Auth.js database auth() (@auth/drizzle-adapter, pgTable), pg",
  plainHandler: "Auth.js database GET /api/auth/session, pg",
  floor: "floor: pg primary-key SELECT (sessions by session_token), unnamed statement",
  floorNamed: "pg primary-key SELECT, named prepared statement",
  lookup: "pg: the package's session lookup SQL alone (sessions ⋈ users, user as json_build_object), named",
  signIn: "tetrastack sign-in on pg (csrf + callback), scrypt 2^10",
  plainSignIn: "Auth.js JWT credentials sign-in on pg (csrf + callback), scrypt 2^10",
  verify: "password verify alone, scrypt 2^10",
} as const;

function skipped(reason: string): Section {
  return {
    title: "PostgreSQL (a local server)",
    method: "Skipped.",
    figures: [],
    ratios: [],
    notes: [`**Skipped:** ${reason}. The section needs Debian's PostgreSQL 15 server programs.`],
  };
}

export async function postgresSection(context: BenchContext): Promise<Section> {
  const unavailable = postgresUnavailable();
  if (unavailable) {
    context.log(`  PostgreSQL skipped: ${unavailable}`);
    return skipped(unavailable);
  }
  context.log("  PostgreSQL: starting a throwaway server");
  const { url, db } = await packagePostgres();
  const plainPool = pool(url);
  const floorPool = pool(url);
  const plainDb = drizzlePg(plainPool);

  // --- This package on PostgreSQL: a registered user signs in through the real handlers.
  const tetra = tetrastack(db, { password: { scrypt: CHEAP_SCRYPT } });
  await tetra.registerUser({ email: "session@bench.test", password: PASSWORD, name: "Session User" }, { ip: null });
  const browser = new Browser(tetra.handlers);
  await browser.signIn("session@bench.test", PASSWORD);
  const token = browser.cookies.get(COOKIE);
  check(token, "the package's sign-in on PostgreSQL set no session cookie");

  // --- Plain Auth.js, database strategy, on the same server: a session row as OAuth leaves it.
  const [plainUser] = await plainDb
    .insert(pgPlainUsers)
    .values({ name: "Session User", email: "session@bench.test" })
    .returning();
  check(plainUser, "no plain Auth.js user on PostgreSQL");
  const plain = plainDatabaseOn(plainDb, {
    usersTable: pgPlainUsers,
    accountsTable: pgPlainAccounts,
    sessionsTable: pgPlainSessions,
    verificationTokensTable: pgPlainVerificationTokens,
  });
  const plainToken = await plain.createSession(plainUser.id);

  const tokenHash = hashSessionToken(token);
  const pointSQL = "SELECT * FROM sessions WHERE session_token = $1";
  const lookupSQL = `SELECT s.id, s.user_id, s.expires, s.created_at, s.updated_at, json_build_object('id'::text, u.id, 'name'::text, u.name, 'email'::text, u.email, 'emailVerified'::text, u.email_verified, 'image'::text, u.image, 'createdAt'::text, u.created_at, 'updatedAt'::text, u.updated_at) AS user FROM sessions s INNER JOIN users u ON u.id = s.user_id WHERE s.session_token = $1 LIMIT 1`;
  const scope = componentScope({ [COOKIE]: token });
  const plainScope = componentScope({ [COOKIE]: plainToken });
  const get = (cookie: string) =>
    new Request("http://localhost:3000/api/auth/session", {
      headers: { cookie: `${COOKIE}=${cookie}`, "x-forwarded-for": "198.51.100.23" },
    });
  const email = (session: unknown): unknown => (session as { user?: { email?: unknown } } | null)?.user?.email;

  const sessionContenders = [
    { name: P.getSession, op: () => asComponent(scope, () => tetra.getSession()) },
    { name: P.fromRequest, op: () => tetra.getSessionFromRequest(get(token)) },
    { name: P.auth, op: () => asComponent(scope, () => tetra.auth()) },
    { name: P.handler, op: async () => (await tetra.handlers.GET(get(token) as never)).json() },
    { name: P.plainAuth, op: () => asComponent(plainScope, () => plain.auth.auth()) },
    { name: P.plainHandler, op: async () => (await plain.auth.handlers.GET(get(plainToken) as never)).json() },
    { name: P.floor, op: () => floorPool.query(pointSQL, [tokenHash]) },
    { name: P.floorNamed, op: () => floorPool.query({ name: "bench_point", text: pointSQL, values: [tokenHash] }) },
    { name: P.lookup, op: () => floorPool.query({ name: "bench_lookup", text: lookupSQL, values: [tokenHash] }) },
  ];
  for (const contender of sessionContenders) {
    const result = await contender.op();
    if (contender.name.startsWith("tetrastack") || contender.name.startsWith("Auth.js")) {
      check(email(result) === "session@bench.test", `${contender.name} did not resolve the session`);
    } else {
      check((result as { rows: unknown[] }).rows.length === 1, `${contender.name} found no row`);
    }
  }

  context.log(`  PostgreSQL session resolution: ${sessionContenders.length} contenders`);
  const rates = await race(sessionContenders, pace(context, 7, 250));
  const series = (name: string): number[] => rates.get(name) ?? [];

  // --- Sign-in, excluding the hash: this package against Auth.js's JWT credentials sign-in.
  const list = emails("pg-signin", 600);
  const cheap = { ...DEFAULT_SCRYPT_PARAMS, ...CHEAP_SCRYPT };
  const hash = await hashPassword(PASSWORD, cheap);
  await seedPostgresUsers(plainPool, list, hash, { plain: true });
  const nextEmail = cycle(list);
  const nextIP = addressFactory(12);
  const plainJWT = plainJWTWith(async (address) => {
    const [row] = await plainDb.select().from(pgPlainUsers).where(eq(pgPlainUsers.email, address)).limit(1);
    return row ?? null;
  });
  context.log("  PostgreSQL sign-in");
  const signIns = await race(
    [
      { name: P.signIn, op: signInOp(tetra.handlers, nextEmail, nextIP) },
      { name: P.plainSignIn, op: signInOp(plainJWT.handlers, nextEmail, nextIP) },
      { name: P.verify, op: () => verifyPassword(PASSWORD, hash) },
    ],
    { ...pace(context, 7, 400), minOps: 5 },
  );
  const ms = (name: string) => latency(signIns.get(name) ?? []);
  const tetraExcl = perRound([ms(P.signIn), ms(P.verify)], (total, verify) => total - verify);
  const plainExcl = perRound([ms(P.plainSignIn), ms(P.verify)], (total, verify) => total - verify);

  await Promise.all([plainPool.end(), floorPool.end(), (db.$client as unknown as { end(): Promise<void> }).end()]);

  const figures: Figure[] = [
    ...sessionContenders.map((contender) => ({
      name: contender.name,
      unit: "req/s" as const,
      stats: stats(series(contender.name)),
    })),
    { name: P.signIn, unit: "ms", stats: stats(ms(P.signIn)) },
    { name: P.plainSignIn, unit: "ms", stats: stats(ms(P.plainSignIn)) },
    { name: P.verify, unit: "ms", stats: stats(ms(P.verify)) },
    { name: "tetrastack sign-in on pg excluding the hash", unit: "ms", stats: stats(tetraExcl) },
    { name: "Auth.js JWT credentials sign-in on pg excluding the hash", unit: "ms", stats: stats(plainExcl) },
  ];
  const vsFloor = ratio(series(P.getSession), series(P.floor));
  const vsPlain = ratio(series(P.getSession), series(P.plainAuth));
  const ratios: Figure[] = [
    {
      name: "PostgreSQL: getSession() ÷ pg primary-key SELECT (the floor)",
      unit: "×",
      stats: vsFloor,
      target: target("≥ 0.8×", vsFloor.median, { atLeast: 0.8 }),
    },
    {
      name: "PostgreSQL: getSession() ÷ Auth.js database auth()",
      unit: "×",
      stats: vsPlain,
      target: target("> 1× (beats it)", vsPlain.median, { atLeast: 1.0000001 }),
    },
    {
      name: "PostgreSQL: getSession() ÷ the package's lookup SQL alone (named, through pg)",
      unit: "×",
      stats: ratio(series(P.getSession), series(P.lookup)),
    },
    {
      name: "PostgreSQL: the package's lookup SQL ÷ the floor",
      unit: "×",
      stats: ratio(series(P.lookup), series(P.floor)),
    },
    {
      name: "PostgreSQL: named prepared point SELECT ÷ the floor",
      unit: "×",
      stats: ratio(series(P.floorNamed), series(P.floor)),
    },
    {
      name: "PostgreSQL: tetrastack auth() ÷ Auth.js database auth()",
      unit: "×",
      stats: ratio(series(P.auth), series(P.plainAuth)),
    },
    {
      name: "PostgreSQL: tetrastack /api/auth/session ÷ Auth.js database /api/auth/session",
      unit: "×",
      stats: ratio(series(P.handler), series(P.plainHandler)),
    },
    {
      name: "PostgreSQL: tetrastack sign-in ÷ Auth.js JWT credentials sign-in, both excluding the hash (latency)",
      unit: "×",
      stats: ratio(tetraExcl, plainExcl),
    },
  ];
  return {
    title: "PostgreSQL (a local server)",
    method:
      "A throwaway PostgreSQL 15 server on 127.0.0.1 (Debian's binaries, the package tests' own setup: packages/backend/test/engines/postgres-server.ts, fsync off), started for this section and stopped at the end of the run, on the same two cores as everything else. One database holds the package's tables (migrated by the package, reached through its createDatabase({ url }): a pg Pool) and plain Auth.js's @auth/drizzle-adapter pgTable schema (its own pg Pool, as an app would open it); the floor has a pool of its own. Session resolution and sign-in are measured as in §1 and §2 (one caller, back to back; same-round ratios; sign-ins by 600 users from new addresses, the hash timed alone and subtracted per round).",
    figures,
    ratios,
    notes: [],
  };
}

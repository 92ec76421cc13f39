import {
  type Auth,
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  type ScryptParams,
  verifyPassword,
} from "@tetrastack/backend/auth";
import { createDatabase } from "@tetrastack/backend/database";
import { addressFactory, Browser, type Handlers } from "../browser.js";
import { CHEAP_SCRYPT, plainJWT, tetrastack } from "../contenders.js";
import { type BenchContext, check, pace } from "../context.js";
import { connect } from "../fixture.js";
import { latency, perRound, race, ratio, stats, withLoopDelay } from "../harness.js";
import { type Figure, type Section, target } from "../report.js";
import { cycle, emails, PASSWORD, seedPackageUsers, seedPlainUsers } from "../seed.js";
import { worstStall } from "../sql-timing.js";

const CHEAP: ScryptParams = { ...DEFAULT_SCRYPT_PARAMS, ...CHEAP_SCRYPT };

/**
 * A full sign-in by a new visitor from a new address: GET /csrf, POST /callback/credentials.
 * Fails the run if it did not end signed in (a rate limit or lockout must never hide in a figure).
 */
export function signInOp(handlers: Handlers, nextEmail: () => string, nextIP: () => string): () => Promise<void> {
  return async () => {
    const browser = new Browser(handlers, nextIP());
    const response = await browser.signIn(nextEmail(), PASSWORD);
    const location = response.headers.get("location") ?? "";
    if (response.status !== 302 || location.includes("error") || !browser.cookies.has("authjs.session-token")) {
      throw new Error(`sign-in failed: ${response.status} ${location}`);
    }
  };
}

/** Users for the sign-in measurements: each signs in a few times at most, under every limit. */
export async function signInUsers(
  context: BenchContext,
  prefix: string,
  count: number,
  params: ScryptParams,
  plain = false,
): Promise<() => string> {
  const list = emails(prefix, count);
  const hash = await hashPassword(PASSWORD, params);
  const client = connect(context.url);
  await seedPackageUsers(client, list, hash);
  if (plain) await seedPlainUsers(client, list, hash);
  client.close();
  return cycle(list);
}

export async function signInAndSignUp(context: BenchContext): Promise<Section> {
  const { db, url } = context;
  const cheapAuth = tetrastack(db, { password: { scrypt: CHEAP_SCRYPT } });
  const defaultAuth = tetrastack(db);
  const plain = plainJWT(connect(url));
  // The same package on a connection with `PRAGMA synchronous = NORMAL` (no fsync per commit in
  // WAL mode): what the proposed createDatabase default would change.
  const normalDb = createDatabase({ url });
  await normalDb.$client.execute("PRAGMA synchronous = NORMAL");
  const normalAuth = tetrastack(normalDb, { password: { scrypt: CHEAP_SCRYPT } });
  const nextEmail = await signInUsers(context, "signin", 600, CHEAP, true);
  const nextDefaultEmail = await signInUsers(context, "signin-default", 60, DEFAULT_SCRYPT_PARAMS);
  const cheapHash = await hashPassword(PASSWORD, CHEAP);
  const defaultHash = await hashPassword(PASSWORD, DEFAULT_SCRYPT_PARAMS);
  const nextIP = addressFactory(10);
  let registered = 0;
  const register = (auth: Auth) => () =>
    auth.registerUser({ email: `new-${registered++}@bench.test`, password: PASSWORD, name: "New" }, { ip: nextIP() });

  const names = {
    tetra: "tetrastack sign-in (csrf + callback), scrypt 2^10",
    plain: "Auth.js JWT credentials sign-in (csrf + callback), scrypt 2^10",
    normal: "tetrastack sign-in, scrypt 2^10, connection with synchronous = NORMAL",
    verify: "password verify alone, scrypt 2^10",
    register: "tetrastack registerUser(), scrypt 2^10",
    hash: "password hash alone, scrypt 2^10",
  };
  context.log("  sign-in and sign-up, cheap hash");
  const cheap = await race(
    [
      { name: names.tetra, op: signInOp(cheapAuth.handlers, nextEmail, nextIP) },
      { name: names.plain, op: signInOp(plain.handlers, nextEmail, nextIP) },
      { name: names.normal, op: signInOp(normalAuth.handlers, nextEmail, nextIP) },
      { name: names.verify, op: () => verifyPassword(PASSWORD, cheapHash) },
      { name: names.register, op: register(cheapAuth) },
      { name: names.hash, op: () => hashPassword(PASSWORD, CHEAP) },
    ],
    { ...pace(context, 7, 400), minOps: 5 },
  );
  const ms = (name: string) => latency(cheap.get(name) ?? []);
  const tetraExcl = perRound([ms(names.tetra), ms(names.verify)], (total, hash) => total - hash);
  const normalExcl = perRound([ms(names.normal), ms(names.verify)], (total, hash) => total - hash);
  const plainExcl = perRound([ms(names.plain), ms(names.verify)], (total, hash) => total - hash);
  const registerExcl = perRound([ms(names.register), ms(names.hash)], (total, hash) => total - hash);
  const exclRatio = ratio(tetraExcl, plainExcl);

  const defaults = {
    tetra: "tetrastack sign-in, default scrypt 2^17",
    verify: "password verify alone, scrypt 2^17",
    register: "tetrastack registerUser(), default scrypt 2^17",
    hash: "password hash alone, scrypt 2^17",
  };
  context.log("  sign-in and sign-up, default hash");
  const full = await race(
    [
      { name: defaults.tetra, op: signInOp(defaultAuth.handlers, nextDefaultEmail, nextIP) },
      { name: defaults.verify, op: () => verifyPassword(PASSWORD, defaultHash) },
      { name: defaults.register, op: register(defaultAuth) },
      { name: defaults.hash, op: () => hashPassword(PASSWORD, DEFAULT_SCRYPT_PARAMS) },
    ],
    context.quick ? { rounds: 1, msPerRound: 0, minOps: 1 } : { rounds: 5, msPerRound: 0, minOps: 2 },
  );
  const fullMs = (name: string) => latency(full.get(name) ?? []);

  // 20 sign-ins at once (default cost): the scrypt work goes to libuv's threadpool, so the event
  // loop must stay free for every other request meanwhile.
  context.log("  20 concurrent sign-ins, default hash");
  const burst = signInOp(defaultAuth.handlers, nextDefaultEmail, nextIP);
  const delays: number[] = [];
  const p99s: number[] = [];
  const walls: number[] = [];
  const stallSql: number[] = [];
  const stallStatements: number[] = [];
  for (let round = 0; round < (context.quick ? 1 : 3); round++) {
    const start = performance.now();
    const { maxMs, p99Ms, value } = await withLoopDelay(() =>
      worstStall(() => Promise.all(Array.from({ length: 20 }, () => burst()))),
    );
    walls.push(performance.now() - start);
    delays.push(maxMs);
    p99s.push(p99Ms);
    stallSql.push(value.sqlMs);
    stallStatements.push(value.statements);
  }
  check(registered > 0, "no registration ran");
  const delay = stats(delays);

  const figures: Figure[] = [
    { name: names.tetra, unit: "ms", stats: stats(ms(names.tetra)) },
    { name: names.plain, unit: "ms", stats: stats(ms(names.plain)) },
    { name: names.verify, unit: "ms", stats: stats(ms(names.verify)) },
    { name: "tetrastack sign-in excluding the hash", unit: "ms", stats: stats(tetraExcl) },
    { name: "Auth.js JWT credentials sign-in excluding the hash", unit: "ms", stats: stats(plainExcl) },
    { name: names.normal, unit: "ms", stats: stats(ms(names.normal)) },
    { name: "tetrastack sign-in excluding the hash, synchronous = NORMAL", unit: "ms", stats: stats(normalExcl) },
    { name: names.register, unit: "ms", stats: stats(ms(names.register)) },
    { name: names.hash, unit: "ms", stats: stats(ms(names.hash)) },
    { name: "tetrastack registerUser() excluding the hash", unit: "ms", stats: stats(registerExcl) },
    { name: defaults.tetra, unit: "ms", stats: stats(fullMs(defaults.tetra)) },
    { name: defaults.verify, unit: "ms", stats: stats(fullMs(defaults.verify)) },
    { name: defaults.register, unit: "ms", stats: stats(fullMs(defaults.register)) },
    { name: defaults.hash, unit: "ms", stats: stats(fullMs(defaults.hash)) },
    {
      name: "event loop: worst delay during 20 concurrent sign-ins (scrypt 2^17)",
      unit: "ms",
      stats: delay,
      target: target("< 20 ms", delay.median, { under: 20 }),
    },
    { name: "event loop: p99 delay during the same", unit: "ms", stats: stats(p99s) },
    { name: "synchronous SQLite time inside the worst stall", unit: "ms", stats: stats(stallSql) },
    { name: "SQLite statements inside the worst stall", unit: "rows", stats: stats(stallStatements) },
    { name: "wall time of the 20 concurrent sign-ins", unit: "ms", stats: stats(walls) },
  ];
  const ratios: Figure[] = [
    {
      name: "tetrastack sign-in ÷ Auth.js JWT credentials sign-in, both excluding the hash (latency)",
      unit: "×",
      stats: exclRatio,
      target: target("≤ 1.0× (no slower)", exclRatio.median, { under: 1.0000001 }),
    },
    {
      name: "tetrastack sign-in on a synchronous = NORMAL connection ÷ Auth.js JWT sign-in, both excluding the hash",
      unit: "×",
      stats: ratio(normalExcl, plainExcl),
    },
    {
      name: "tetrastack sign-in ÷ Auth.js JWT credentials sign-in, hash included (latency)",
      unit: "×",
      stats: ratio(ms(names.tetra), ms(names.plain)),
    },
    {
      name: "hash share of a default-cost sign-in",
      unit: "%",
      stats: stats(perRound([fullMs(defaults.verify), fullMs(defaults.tetra)], (hash, total) => (100 * hash) / total)),
    },
  ];
  return {
    title: "Sign-in and sign-up",
    method:
      "Each sign-in is a new visitor from a new address (GET /api/auth/csrf, then POST /api/auth/callback/credentials with the form) and must end in a 302 with a session cookie; 600 users take turns, so rate limits and lockout stay on (defaults) and never trigger. Both sides verify the same scrypt hash with the same function; the hash alone is timed in the same rounds and subtracted per round. Plain Auth.js can only sign credentials users in with the JWT strategy (no session row); this package writes a hashed session row.",
    figures,
    ratios,
    notes: [],
  };
}

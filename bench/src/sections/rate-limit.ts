import { randomBytes } from "node:crypto";
import { DEFAULT_SCRYPT_PARAMS } from "@tetrastack/backend/auth";
import { uuidv7 } from "@tetrastack/backend/utils";
import { addressFactory, Browser } from "../browser.js";
import { CHEAP_SCRYPT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope, pace } from "../context.js";
import { latency, perRound, race, ratio, stats } from "../harness.js";
import { type Figure, type Section, target } from "../report.js";
import { PASSWORD } from "../seed.js";
import { signInOp, signInUsers } from "./signin.js";

export async function rateLimiting(context: BenchContext): Promise<Section> {
  const { db } = context;
  const scrypt = { scrypt: CHEAP_SCRYPT };
  const variants = {
    database: tetrastack(db, { password: scrypt }),
    noLimits: tetrastack(db, { password: scrypt, rateLimit: { enabled: false } }),
    off: tetrastack(db, { password: scrypt, rateLimit: { enabled: false }, lockout: { enabled: false } }),
    memory: tetrastack(db, { password: scrypt, rateLimit: { storage: "memory" } }),
  };
  const nextEmail = await signInUsers(context, "limits", 600, { ...DEFAULT_SCRYPT_PARAMS, ...CHEAP_SCRYPT });
  const nextIP = addressFactory(11);

  // The session resolution the limiter's cost is set against, in the same rounds.
  await variants.database.registerUser({ email: "limits-session@bench.test", password: PASSWORD }, { ip: null });
  const browser = new Browser(variants.database.handlers, "198.51.100.77");
  await browser.signIn("limits-session@bench.test", PASSWORD);
  const token = browser.cookies.get("authjs.session-token");
  check(token, "no session for the limiter reference");
  const scope = componentScope({ "authjs.session-token": token });

  // The limiter's two counter writes as SQL, on the package's connection: as issued (one upsert per
  // counter, each its own write) and as one multi-row upsert (the proposed change).
  const upsert = (rows: number) =>
    `INSERT INTO rate_limits (id, key, count, reset_at, locked_until, created_at, updated_at) VALUES ${Array.from(
      { length: rows },
      () => "(?, ?, 1, ?, NULL, ?, ?)",
    ).join(
      ", ",
    )} ON CONFLICT (key) DO UPDATE SET count = CASE WHEN reset_at <= ? THEN 1 ELSE count + 1 END, reset_at = CASE WHEN reset_at <= ? THEN ? ELSE reset_at END, updated_at = ? RETURNING count, reset_at`;
  const counterKeys = () => [
    `sign-in:ip:${randomBytes(32).toString("hex")}`,
    `sign-in:account:${randomBytes(32).toString("hex")}`,
  ];
  const rowArgs = (key: string, now: number) => [uuidv7(), key, now + 300_000, now, now];
  const tailArgs = (now: number) => [now, now, now + 300_000, now];
  const separate = async () => {
    const now = Date.now();
    for (const key of counterKeys()) {
      await db.$client.execute({ sql: upsert(1), args: [...rowArgs(key, now), ...tailArgs(now)] });
    }
  };
  const combined = async () => {
    const now = Date.now();
    const args = counterKeys().flatMap((key) => rowArgs(key, now));
    await db.$client.execute({ sql: upsert(2), args: [...args, ...tailArgs(now)] });
  };

  const names = {
    database: "sign-in, limits + lockout in the database (default)",
    noLimits: "sign-in, lockout only (rateLimit.enabled: false)",
    off: "sign-in, no limits, no lockout",
    memory: 'sign-in, limits + lockout in memory (rateLimit.storage: "memory")',
    getSession: "session resolution: getSession()",
    auth: "session resolution: auth() through Auth.js",
    separate: "SQL: the two counter upserts as issued (two statements, two commits)",
    combined: "SQL: both counters in one multi-row upsert (one commit; proposed)",
  };
  context.log("  rate limiting and lockout");
  const rates = await race(
    [
      { name: names.database, op: signInOp(variants.database.handlers, nextEmail, nextIP) },
      { name: names.noLimits, op: signInOp(variants.noLimits.handlers, nextEmail, nextIP) },
      { name: names.off, op: signInOp(variants.off.handlers, nextEmail, nextIP) },
      { name: names.memory, op: signInOp(variants.memory.handlers, nextEmail, nextIP) },
      { name: names.getSession, op: () => asComponent(scope, () => variants.database.getSession()) },
      { name: names.auth, op: () => asComponent(scope, () => variants.database.auth()) },
      { name: names.separate, op: separate },
      { name: names.combined, op: combined },
    ],
    { ...pace(context, 9, 400), minOps: 5 },
  );
  const ms = (name: string) => latency(rates.get(name) ?? []);
  const added = perRound([ms(names.database), ms(names.off)], (on, off) => on - off);
  const limitsOnly = perRound([ms(names.database), ms(names.noLimits)], (on, off) => on - off);
  const lockoutOnly = perRound([ms(names.noLimits), ms(names.off)], (on, off) => on - off);
  const memoryAdded = perRound([ms(names.memory), ms(names.off)], (on, off) => on - off);
  const shareOfGetSession = stats(perRound([added, ms(names.getSession)], (cost, session) => (100 * cost) / session));
  const shareOfAuth = stats(perRound([added, ms(names.auth)], (cost, session) => (100 * cost) / session));

  const figures: Figure[] = [
    ...Object.values(names).map((name) => ({ name, unit: "ms" as const, stats: stats(ms(name)) })),
    { name: "added by the database limiter + lockout, per sign-in", unit: "ms", stats: stats(added) },
    { name: "of which the two rate-limit counters (IP, account)", unit: "ms", stats: stats(limitsOnly) },
    { name: "of which the lockout check and reset", unit: "ms", stats: stats(lockoutOnly) },
    { name: "added by the in-memory limiter + lockout, per sign-in", unit: "ms", stats: stats(memoryAdded) },
  ];
  const ratios: Figure[] = [
    {
      name: "one multi-row upsert ÷ the two upserts as issued (time)",
      unit: "×",
      stats: ratio(ms(names.combined), ms(names.separate)),
    },
    {
      name: "database limiter + lockout cost ÷ one getSession()",
      unit: "%",
      stats: shareOfGetSession,
      target: target("< 10 %", shareOfGetSession.median, { under: 10 }),
    },
    {
      name: "database limiter + lockout cost ÷ one auth() through Auth.js",
      unit: "%",
      stats: shareOfAuth,
      target: target("< 10 %", shareOfAuth.median, { under: 10 }),
    },
  ];
  return {
    title: "Rate limiting and lockout",
    method:
      "The same sign-in (scrypt 2^10, new visitor and address each time) through four instances on the same database, alternated per round: limits and lockout in the database (the default), lockout only, neither, and both in memory. The differences per round are the limiter's cost. Session resolutions of the default instance run in the same rounds as the yardstick. Only sign-in, registration and email sending are limited: other requests pay nothing.",
    figures,
    ratios,
    notes: [],
  };
}

import { join } from "node:path";
import type { Client } from "@libsql/client";
import {
  type Auth,
  DEFAULT_SCRYPT_PARAMS,
  generateSessionToken,
  hashPassword,
  hashSessionToken,
} from "@tetrastack/backend/auth";
import type { Database } from "@tetrastack/backend/database";
import { uuidv7 } from "@tetrastack/backend/utils";
import { addressFactory } from "../browser.js";
import { CHEAP_SCRYPT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope } from "../context.js";
import { connect, packageDatabase } from "../fixture.js";
import { type Contender, latency, race, ratio, type Stats, stats, withLoopDelay } from "../harness.js";
import { type Figure, type Section, target } from "../report.js";
import { cycle, PASSWORD } from "../seed.js";
import { signInOp } from "./signin.js";

const DAY = 86_400_000;
/** Sessions per tier with a known token, resolved in random order (the rest are filler rows). */
const POOL = 1000;
/** Share of the filler sessions that are expired, for the cleanup. */
const EXPIRED_EVERY = 10;
const userId = (n: string) => `printf('00000000-0000-7000-8000-%012d', ${n})`;

interface Tier {
  label: string;
  users: number;
  db: Database;
  raw: Client;
  auth: Auth;
  tokens: string[];
  hashes: string[];
  nextEmail: () => string;
  expired: number;
}

/** users, credentials accounts and sessions, generated inside SQLite (WITH RECURSIVE) in one transaction each. */
async function seed(raw: Client, users: number, passwordHash: string): Promise<void> {
  const now = Date.now();
  const numbers = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${users})`;
  await raw.batch(
    [
      `${numbers} INSERT INTO users (id, name, email, created_at, updated_at) SELECT ${userId("n")}, 'User ' || n, 'user' || n || '@example.com', ${now}, ${now} FROM seq`,
      {
        sql: `${numbers} INSERT INTO accounts (id, user_id, type, provider, provider_account_id, password_hash, created_at, updated_at) SELECT printf('00000000-0000-7000-a000-%012d', n), ${userId("n")}, 'credentials', 'credentials', ${userId("n")}, ?, ${now}, ${now} FROM seq`,
        args: [passwordHash],
      },
      `${numbers} INSERT INTO sessions (session_token, id, user_id, expires, created_at, updated_at) SELECT lower(hex(randomblob(32))), printf('00000000-0000-7000-9000-%012d', n), ${userId("n")}, CASE WHEN n % ${EXPIRED_EVERY} = 0 THEN ${now - DAY} ELSE ${now + 6 * DAY} END, ${now}, ${now} FROM seq`,
    ],
    "write",
  );
}

/** Expired sessions of random users, for another cleanup round. */
async function seedExpired(raw: Client, users: number, count: number): Promise<void> {
  const now = Date.now();
  await raw.execute(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count}) INSERT INTO sessions (session_token, id, user_id, expires, created_at, updated_at) SELECT lower(hex(randomblob(32))), lower(hex(randomblob(16))), ${userId(`abs(random()) % ${users} + 1`)}, ${now - DAY}, ${now}, ${now} FROM seq`,
  );
}

/** Sessions with tokens we know, as sign-ins create them, for random users. */
async function seedPool(raw: Client, users: number): Promise<{ tokens: string[]; hashes: string[] }> {
  const tokens = Array.from({ length: POOL }, () => generateSessionToken());
  const hashes = tokens.map(hashSessionToken);
  const now = Date.now();
  const args = hashes.flatMap((hash) => {
    const n = 1 + Math.floor(Math.random() * users);
    // Fresh sessions (not due for the daily sliding refresh), as a sign-in leaves them.
    return [hash, uuidv7(), `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`, now + 7 * DAY - 60_000, now, now];
  });
  await raw.execute({
    sql: `INSERT INTO sessions (session_token, id, user_id, expires, created_at, updated_at) VALUES ${hashes.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
    args,
  });
  return { tokens, hashes };
}

function lastOf(tiers: readonly Tier[]): Tier {
  return tiers[tiers.length - 1] as Tier;
}

async function createTier(context: BenchContext, users: number, passwordHash: string): Promise<Tier> {
  const label = users >= 1_000_000 ? `${users / 1_000_000} M` : `${users / 1000} k`;
  const { url, db } = await packageDatabase(join(context.dir, `growth-${users}.db`));
  const raw = connect(url);
  // Seeding only: a large page cache for this connection (the app's connection keeps the default).
  await raw.execute("PRAGMA cache_size = -262144");
  const started = performance.now();
  await seed(raw, users, passwordHash);
  const pool = await seedPool(raw, users);
  await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  context.log(
    `  growth: seeded ${label} users, accounts and sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Sign-ins go round-robin through a shuffled sample of users: each signs in a few times at most.
  const sample = Array.from({ length: Math.min(users, 2000) }, () => 1 + Math.floor(Math.random() * users));
  return {
    label,
    users,
    db,
    raw,
    auth: tetrastack(db, { password: { scrypt: CHEAP_SCRYPT } }),
    ...pool,
    nextEmail: cycle([...new Set(sample)].map((n) => `user${n}@example.com`)),
    expired: Math.floor(users / EXPIRED_EVERY),
  };
}

/** Resolving random pool sessions while `work` runs: the worst wait a request saw. */
async function probeDuring(tier: Tier, work: () => Promise<unknown>): Promise<{ worstRequestMs: number }> {
  let running = true;
  let worst = 0;
  const probe = (async () => {
    while (running) {
      const token = tier.tokens[Math.floor(Math.random() * tier.tokens.length)] as string;
      const start = performance.now();
      await asComponent(componentScope({ "authjs.session-token": token }), () => tier.auth.getSession());
      worst = Math.max(worst, performance.now() - start);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 10));
  try {
    await work();
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 10));
    running = false;
    await probe;
  }
  return { worstRequestMs: worst };
}

/** Smaller batches than the package's: 100 rows per statement, yielding to requests in between. */
async function batchedPrune(db: Database): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.$client.execute({
      sql: "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires < ? LIMIT 100)",
      args: [Date.now()],
    });
    total += result.rowsAffected;
    if (result.rowsAffected < 100) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface CleanupRun {
  ms: number;
  rows: number;
  loopMs: number;
  requestMs: number;
}

async function cleanup(tier: Tier, kind: "package" | "batched"): Promise<CleanupRun> {
  let ms = 0;
  let rows = 0;
  let loopMs = 0;
  const { worstRequestMs } = await probeDuring(tier, async () => {
    const measured = await withLoopDelay(async () => {
      const start = performance.now();
      const deleted = kind === "package" ? (await tier.auth.prune()).sessions : await batchedPrune(tier.db);
      ms = performance.now() - start;
      return deleted;
    });
    rows = measured.value;
    loopMs = measured.maxMs;
  });
  return { ms, rows, loopMs, requestMs: worstRequestMs };
}

/** The credentials lookup of a sign-in, as the package's query builder issues it. */
export const LOOKUP =
  "SELECT u.*, a.id, a.password_hash FROM users u INNER JOIN accounts a ON (a.user_id = u.id AND a.provider = ?) WHERE u.email = ? LIMIT 1";
/** The same with SQLite's unary `+`, which keeps the planner off the provider index. */
export const LOOKUP_FIXED =
  "SELECT u.*, a.id, a.password_hash FROM users u INNER JOIN accounts a ON (a.user_id = u.id AND +a.provider = ?) WHERE u.email = ? LIMIT 1";

async function plan(raw: Client, sql: string): Promise<string> {
  const rows = (await raw.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: ["credentials", "user1@example.com"] }))
    .rows;
  return rows.map((row) => String(row.detail)).join("; ");
}

export async function growth(context: BenchContext): Promise<Section> {
  const sizes = context.quick ? [1_000, 10_000, 50_000] : [1_000, 100_000, 1_000_000];
  const passwordHash = await hashPassword(PASSWORD, { ...DEFAULT_SCRYPT_PARAMS, ...CHEAP_SCRYPT });
  const tiers: Tier[] = [];
  for (const size of sizes) tiers.push(await createTier(context, size, passwordHash));

  const nextIP = addressFactory(12);
  const contenders: Contender[] = tiers.flatMap((tier) => [
    {
      name: `getSession() at ${tier.label}`,
      op: () => {
        const token = tier.tokens[Math.floor(Math.random() * tier.tokens.length)] as string;
        return asComponent(componentScope({ "authjs.session-token": token }), () => tier.auth.getSession());
      },
    },
    {
      name: `sign-in (scrypt 2^10) at ${tier.label}`,
      op: signInOp(tier.auth.handlers, tier.nextEmail, nextIP),
    },
    {
      name: `credentials lookup SQL as issued at ${tier.label}`,
      op: () => tier.raw.execute({ sql: LOOKUP, args: ["credentials", tier.nextEmail()] }),
    },
    {
      name: `credentials lookup SQL with +provider at ${tier.label}`,
      op: () => tier.raw.execute({ sql: LOOKUP_FIXED, args: ["credentials", tier.nextEmail()] }),
    },
    {
      name: `@libsql/client point SELECT at ${tier.label}`,
      op: () =>
        tier.raw.execute({
          sql: "SELECT * FROM sessions WHERE session_token = ?",
          args: [tier.hashes[Math.floor(Math.random() * tier.hashes.length)] as string],
        }),
    },
  ]);
  for (const tier of tiers) {
    const session = await asComponent(componentScope({ "authjs.session-token": tier.tokens[0] as string }), () =>
      tier.auth.getSession(),
    );
    check(session?.user.email?.endsWith("@example.com"), `no session resolved at ${tier.label}`);
  }
  context.log("  growth: sessions and sign-ins per tier");
  const plans = { issued: await plan(lastOf(tiers).raw, LOOKUP), fixed: await plan(lastOf(tiers).raw, LOOKUP_FIXED) };
  const rates = await race(
    contenders,
    context.quick ? { rounds: 2, msPerRound: 100 } : { rounds: 5, msPerRound: 300, warmupMs: 200 },
  );
  const series = (name: string) => rates.get(name) ?? [];

  context.log("  growth: expired-session cleanup");
  const runs = new Map<string, CleanupRun[]>();
  for (const tier of tiers) {
    for (let round = 0; round < (context.quick ? 1 : 3); round++) {
      for (const kind of round % 2 === 0 ? (["package", "batched"] as const) : (["batched", "package"] as const)) {
        if (round > 0 || kind === "batched") await seedExpired(tier.raw, tier.users, tier.expired);
        const key = `${tier.label}:${kind}`;
        runs.set(key, [...(runs.get(key) ?? []), await cleanup(tier, kind)]);
      }
    }
  }

  const first = tiers[0] as Tier;
  const last = lastOf(tiers);
  const flat = (what: string): Stats => ratio(series(`${what} at ${last.label}`), series(`${what} at ${first.label}`));
  const sessionFlat = flat("getSession()");
  const signInFlat = flat("sign-in (scrypt 2^10)");
  const figures: Figure[] = [
    ...contenders.map((contender) => ({
      name: contender.name,
      unit: contender.name.startsWith("sign-in") ? ("ms" as const) : ("req/s" as const),
      stats: contender.name.startsWith("sign-in")
        ? stats(latency(series(contender.name)))
        : stats(series(contender.name)),
    })),
  ];
  for (const tier of tiers) {
    for (const kind of ["package", "batched"] as const) {
      const list = runs.get(`${tier.label}:${kind}`) ?? [];
      const label = kind === "package" ? "prune() (package)" : "100-row batches (bench sketch)";
      figures.push(
        {
          name: `cleanup at ${tier.label}: ${label}, rows deleted`,
          unit: "rows",
          stats: stats(list.map((run) => run.rows)),
        },
        { name: `cleanup at ${tier.label}: ${label}, duration`, unit: "ms", stats: stats(list.map((run) => run.ms)) },
        {
          name: `cleanup at ${tier.label}: ${label}, worst event-loop delay`,
          unit: "ms",
          stats: stats(list.map((run) => run.loopMs)),
          ...(tier === last &&
            kind === "package" && {
              target: target(
                "bounded batches, worst stall < 20 ms (the bar of §2)",
                stats(list.map((run) => run.loopMs)).median,
                {
                  under: 20,
                },
              ),
            }),
        },
        {
          name: `cleanup at ${tier.label}: ${label}, slowest concurrent getSession()`,
          unit: "ms",
          stats: stats(list.map((run) => run.requestMs)),
        },
      );
    }
  }
  const ratios: Figure[] = [
    {
      name: `getSession() at ${last.label} ÷ at ${first.label} (throughput)`,
      unit: "×",
      stats: sessionFlat,
      target: target("flat (≥ 0.8×)", sessionFlat.median, { atLeast: 0.8 }),
    },
    {
      name: `sign-in at ${last.label} ÷ at ${first.label} (throughput)`,
      unit: "×",
      stats: signInFlat,
      target: target("flat (≥ 0.8×)", signInFlat.median, { atLeast: 0.8 }),
    },
    {
      name: `point SELECT at ${last.label} ÷ at ${first.label} (throughput)`,
      unit: "×",
      stats: flat("@libsql/client point SELECT"),
    },
    {
      name: `credentials lookup as issued at ${last.label} ÷ at ${first.label} (throughput)`,
      unit: "×",
      stats: flat("credentials lookup SQL as issued"),
    },
    {
      name: `credentials lookup with +provider at ${last.label} ÷ at ${first.label} (throughput)`,
      unit: "×",
      stats: flat("credentials lookup SQL with +provider"),
    },
  ];
  for (const tier of tiers) tier.raw.close();
  return {
    title: "Growth: 1 thousand to 1 million users and sessions",
    method: `One database file per tier, each seeded inside SQLite (WITH RECURSIVE, one transaction per table) with N users, N credentials accounts and N sessions (1 in ${EXPIRED_EVERY} expired), plus ${POOL} sessions with known tokens for random users. The tiers are alternated within each round: getSession() resolves a random one of the ${POOL} tokens per request; sign-ins go through a sample of the users. Cleanup: the package's prune() against the same number of expired rows deleted 100 at a time with a yield in between (a sketch in the bench, not package code: the package deletes 500 per batch), while a second caller keeps resolving sessions; ${context.quick ? 1 : 3} rounds each, the expired rows re-seeded before each.`,
    figures,
    ratios,
    notes: [
      `Query plans at ${last.label} (EXPLAIN QUERY PLAN): as issued: \`${plans.issued}\`; with \`+a.provider\`: \`${plans.fixed}\`.`,
    ],
  };
}

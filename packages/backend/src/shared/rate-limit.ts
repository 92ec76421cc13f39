import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { AnyDatabase, DeferredWrite, Dialect, QueryDatabase } from "../database/dialect.js";
import type { rateLimits } from "../database/tables.js";
import { deleteInBatches } from "./batches.js";
import { RateLimitError } from "./errors.js";
import { ipBucket } from "./ip.js";

/**
 * @internal What the limiter is given for a client whose address cannot be trusted (no proxy
 * named, a directly exposed server, a header that does not parse). Every such request counts in
 * one shared bucket with its own limit (`perUnknownIP`): a client cannot pick its own bucket by
 * rotating or garbling headers, and there is never "no limit".
 */
export const UNKNOWN_CLIENT = "unknown";

/** @internal A resolved limit: hits allowed per `window` seconds for each kind of key. */
export interface RateLimitRuleSettings {
  window: number;
  /** Per client address (IPv6 per /64). */
  perIP: number;
  /** Per account (an email, a user id…). */
  perAccount: number;
  /** For all clients whose address is unknown, together. */
  perUnknownIP: number;
}

/** @internal A resolved lockout policy. */
export interface LockoutSettings {
  enabled: boolean;
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
  resetAfterSeconds: number;
}

/** @internal What {@link RateLimitStore.reserve} decided. */
export interface Reservation {
  /** The attempt may be checked now; false while the key is locked. */
  allowed: boolean;
  /** When the key's lock ends (ms since the epoch), 0 when it is not locked. */
  lockedUntil: number;
}

/**
 * @internal A read sent in the same round trip as an attempt's counters (see
 * {@link RateLimitStore.attempt}): a select of one column named `value`, at most one row.
 */
export interface SideRead {
  /** The query, built on `q`. */
  statement(q: AnyDatabase): PromiseLike<{ value: unknown }[]>;
  /** What the attempt resolves for the `value` of a row. */
  decode(value: unknown): unknown;
  /** The same read on its own (decoded, or null without a row), for a store with no database. */
  run(): Promise<unknown>;
}

/** @internal What {@link RateLimitStore.attempt} counts, reserves and reads. */
export interface AttemptInput {
  /** Counters to hit, each with its limit. */
  hits: readonly { key: string; limit: number }[];
  windowMs: number;
  /** A lockout key to reserve, unless a hit is over its limit (then nothing is reserved). */
  reserve?: { key: string; policy: LockoutSettings } | undefined;
  read?: SideRead | undefined;
  now: number;
}

/** @internal What {@link RateLimitStore.attempt} found. */
export interface AttemptResult {
  /** In the order of `hits`: the count so far and when the window ends. */
  hits: { count: number; resetAt: number }[];
  /** The reservation; null when none was asked for or a hit was over its limit. */
  reservation: Reservation | null;
  /** The side read's decoded `value` (null without a row); undefined when none was asked for. */
  read: unknown;
}

/** @internal Where counters live: one table shared by every instance, or this process's memory. */
export interface RateLimitStore {
  /**
   * Counts one hit in the window of each key (one statement for all of them); returns, in the
   * order of `keys`, the count so far and when the window ends.
   */
  hit(keys: readonly string[], windowMs: number, now: number): Promise<{ count: number; resetAt: number }[]>;
  /**
   * Counts one attempt against a lockout key before it is checked, in one atomic statement: the
   * attempt is allowed unless the key is locked, and the attempt that reaches the threshold (or
   * the first one after a lock ended) sets the next lock itself. So however many attempts arrive
   * at once, at most `threshold` are checked before the lock holds. A success clears the key.
   */
  reserve(key: string, policy: LockoutSettings, now: number): Promise<Reservation>;
  /**
   * {@link RateLimitStore.hit}, then {@link RateLimitStore.reserve} when no hit is over its limit,
   * and a side read, in ONE round trip to the database (libSQL: one batch; PostgreSQL: one
   * statement): what a sign-in asks before it hashes.
   */
  attempt(input: AttemptInput): Promise<AttemptResult>;
  /** When the lock of `key` ends (0 when not locked). */
  lockedUntil(key: string, now: number): Promise<number>;
  clear(key: string): Promise<void>;
  /**
   * `clear(key)` as a write to send with a later statement (the session row of a sign-in), or
   * null when there is nothing to send (memory: cleared at once).
   */
  deferredClear(key: string): DeferredWrite | null;
  /** Deletes dead rows; returns how many. */
  prune(now: number): Promise<number>;
}

/** @internal The Drizzle database the counters are kept in. */
export type RateLimitDatabase = QueryDatabase;

/** @internal The lock that the `failures`-th consecutive failure sets, in ms. */
export function lockDuration(failures: number, policy: LockoutSettings): number {
  if (failures < policy.threshold) return 0;
  const seconds = Math.min(policy.baseSeconds * 2 ** Math.min(failures - policy.threshold, 30), policy.maxSeconds);
  return seconds * 1000;
}

/**
 * The lock end for a failure count, as SQL: a CASE over the doubling steps up to `maxSeconds`,
 * each branch the absolute end time, so the reservation decides and sets the lock in its one
 * statement with no date arithmetic (which differs between SQLite and PostgreSQL).
 */
function lockEndSQL(failures: SQL, policy: LockoutSettings, now: number, at: (ms: number) => SQL): SQL {
  const steps: SQL[] = [];
  for (let n = 0; n <= 30; n++) {
    const ms = lockDuration(policy.threshold + n, policy);
    steps.push(sql`WHEN ${failures} = ${policy.threshold + n} THEN ${at(now + ms)}`);
    if (ms >= policy.maxSeconds * 1000) break;
  }
  return sql`(CASE WHEN ${failures} < ${policy.threshold} THEN NULL ${sql.join(steps, sql` `)} ELSE ${at(now + policy.maxSeconds * 1000)} END)`;
}

/**
 * @internal Counters in the `rate_limits` table: each hit is one atomic upsert, so instances agree.
 * Times are bound through the columns' own mappings, so the SQL is the same on both dialects.
 */
export function databaseStore(
  db: RateLimitDatabase,
  table: typeof rateLimits,
  dialect: Pick<Dialect, "affectedRows" | "timestamp" | "name">,
): RateLimitStore {
  const at = (ms: number): SQL => dialect.timestamp(new Date(ms), table.resetAt);

  // One multi-row upsert: a sign-in counts its address and its account in a single write.
  const hitQuery = (q: AnyDatabase, keys: readonly string[], windowMs: number, now: number) => {
    const expired = lte(table.resetAt, new Date(now));
    return q
      .insert(table)
      .values(keys.map((key) => ({ key, count: 1, resetAt: new Date(now + windowMs) })))
      .onConflictDoUpdate({
        target: table.key,
        set: {
          count: sql`CASE WHEN ${expired} THEN 1 ELSE ${table.count} + 1 END`,
          resetAt: sql`CASE WHEN ${expired} THEN ${at(now + windowMs)} ELSE ${table.resetAt} END`,
          updatedAt: new Date(now),
        },
      })
      .returning({ key: table.key, count: table.count, resetAt: table.resetAt });
  };

  /**
   * The lockout reservation. `allowed`, when given, is a condition the reservation waits for
   * (no counter over its limit): while it is false, an existing row is left alone and a new one is
   * written with no failure counted (count 0, no lock), which is the same as no row.
   */
  const reserveQuery = (q: AnyDatabase, key: string, policy: LockoutSettings, now: number, allowed?: SQL) => {
    const forgetAt = now + policy.resetAfterSeconds * 1000;
    const forgotten = lte(table.resetAt, new Date(now));
    const next = sql`(CASE WHEN ${forgotten} THEN 1 ELSE ${table.count} + 1 END)`;
    const firstLock = lockDuration(1, policy);
    const lockAt = firstLock ? at(now + firstLock) : null;
    return q
      .insert(table)
      .values({
        key,
        count: allowed ? sql`(CASE WHEN ${allowed} THEN 1 ELSE 0 END)` : 1,
        resetAt: new Date(forgetAt),
        lockedUntil: lockAt && allowed ? sql`(CASE WHEN ${allowed} THEN ${lockAt} ELSE NULL END)` : lockAt,
      })
      .onConflictDoUpdate({
        target: table.key,
        set: {
          count: next,
          lockedUntil: lockEndSQL(next, policy, now, at),
          resetAt: new Date(forgetAt),
          updatedAt: new Date(now),
        },
        // A locked key is left as it is: attempts during a lock neither count nor extend it.
        setWhere: and(allowed, or(forgotten, isNull(table.lockedUntil), lte(table.lockedUntil, new Date(now)))),
      })
      .returning({ count: table.count });
  };

  /** `hits` over their limits, as a condition on rows of `source` (key, count). */
  const overLimit = (hits: AttemptInput["hits"], key: SQL, count: SQL): SQL =>
    sql.join(
      hits.map((hit) => sql`(${key} = ${hit.key} AND ${count} > ${hit.limit})`),
      sql` OR `,
    );

  const lockState = (q: AnyDatabase, key: string) =>
    q.select({ lockedUntil: table.lockedUntil }).from(table).where(eq(table.key, key)).limit(1);

  const byKey = (keys: readonly string[], rows: { key: string; count: number; resetAt: Date }[], fallback: number) => {
    // RETURNING does not promise the order of VALUES.
    const found = new Map(rows.map((row) => [row.key, row]));
    return keys.map((key) => {
      const row = found.get(key);
      return { count: row?.count ?? 1, resetAt: row?.resetAt.getTime() ?? fallback };
    });
  };

  /** Whether a lockout row that refused the reservation is locked, and until when. */
  const refused = async (key: string, until: number, now: number): Promise<Reservation> => ({
    allowed: false,
    // Under PostgreSQL the statement's snapshot may predate a lock set by a concurrent attempt:
    // the lock's end is then read again.
    lockedUntil: until > now ? until : await store.lockedUntil(key, now),
  });

  /** libSQL: the attempt as one batch (one transaction), each statement seeing the previous. */
  async function attemptInBatch(input: AttemptInput): Promise<AttemptResult> {
    const { hits, windowMs, reserve, read, now } = input;
    const keys = hits.map((hit) => hit.key);
    const statements: PromiseLike<unknown>[] = [];
    if (keys.length > 0) statements.push(hitQuery(db, keys, windowMs, now));
    if (read) statements.push(read.statement(db));
    if (reserve) {
      const allowed =
        keys.length > 0
          ? sql`NOT EXISTS (SELECT 1 FROM ${table} AS "counter" WHERE ${overLimit(hits, sql`"counter"."key"`, sql`"counter"."count"`)})`
          : undefined;
      statements.push(reserveQuery(db, reserve.key, reserve.policy, now, allowed), lockState(db, reserve.key));
    }
    const results = (
      statements.length === 1 ? [await statements[0]] : await db.batch(statements as never)
    ) as unknown[];
    let index = 0;
    const hitRows = keys.length > 0 ? (results[index++] as { key: string; count: number; resetAt: Date }[]) : [];
    const readRows = read ? (results[index++] as { value: unknown }[]) : undefined;
    const counted = byKey(keys, hitRows, now + windowMs);
    const limited = counted.some((hit, i) => hit.count > (hits[i]?.limit ?? 0));
    let reservation: Reservation | null = null;
    if (reserve && !limited) {
      const [reserved] = results[index++] as unknown[];
      const [state] = results[index++] as { lockedUntil: Date | null }[];
      reservation = reserved
        ? { allowed: true, lockedUntil: 0 }
        : await refused(reserve.key, state?.lockedUntil?.getTime() ?? 0, now);
    }
    return { hits: counted, reservation, read: read && readRows ? decodeRead(read, readRows[0]?.value) : undefined };
  }

  /**
   * PostgreSQL: the attempt as ONE statement. The counters and the reservation are
   * data-modifying CTEs (the reservation reads the counters' RETURNING, so it sees this hit); the
   * lock's end and the side read come from the statement's snapshot, which is what a refused
   * reservation left unchanged.
   */
  async function attemptInOneStatement(input: AttemptInput): Promise<AttemptResult> {
    const { hits, windowMs, reserve, read, now } = input;
    const keys = hits.map((hit) => hit.key);
    const ctes: unknown[] = [];
    const hitCTE = keys.length > 0 ? db.$with("tetrastack_hit").as(hitQuery(db, keys, windowMs, now) as never) : null;
    if (hitCTE) ctes.push(hitCTE);
    const hitColumns = hitCTE as unknown as { key: SQL; count: SQL; resetAt: SQL } | null;
    let reserveCTE: unknown = null;
    if (reserve) {
      const allowed = hitColumns
        ? sql`NOT EXISTS (SELECT 1 FROM ${hitCTE} WHERE ${overLimit(hits, hitColumns.key, hitColumns.count)})`
        : undefined;
      reserveCTE = db
        .$with("tetrastack_reserve")
        .as(reserveQuery(db, reserve.key, reserve.policy, now, allowed) as never);
      ctes.push(reserveCTE);
    }
    const fields: Record<string, SQL | SQL.Aliased> = {};
    if (hitColumns) {
      fields.hits = sql`(SELECT json_agg(json_build_object('key', ${hitColumns.key}, 'count', ${hitColumns.count}, 'resetAt', ${hitColumns.resetAt})) FROM ${hitCTE})`;
    }
    if (reserve) {
      fields.reserved = sql<number>`(SELECT count(*) FROM ${reserveCTE})`.mapWith(Number);
      fields.lockedUntil = sql`(SELECT ${table.lockedUntil} FROM ${table} WHERE ${table.key} = ${reserve.key})`.mapWith(
        table.lockedUntil,
      );
    }
    if (read) fields.read = sql`${read.statement(db)}`;
    const q = ctes.length > 0 ? db.with(...(ctes as never[])) : db;
    const [row] = (await q.select(fields).from(sql`(SELECT 1) AS "tetrastack_one"`)) as Record<string, unknown>[];
    const json = row?.hits;
    const hitRows = (typeof json === "string" ? JSON.parse(json) : (json ?? [])) as {
      key: string;
      count: number;
      resetAt: string;
    }[];
    const counted = byKey(
      keys,
      hitRows.map((hit) => ({ key: hit.key, count: Number(hit.count), resetAt: new Date(hit.resetAt) })),
      now + windowMs,
    );
    const limited = counted.some((hit, i) => hit.count > (hits[i]?.limit ?? 0));
    let reservation: Reservation | null = null;
    if (reserve && !limited) {
      reservation =
        Number(row?.reserved) > 0
          ? { allowed: true, lockedUntil: 0 }
          : await refused(reserve.key, (row?.lockedUntil as Date | null)?.getTime() ?? 0, now);
    }
    return { hits: counted, reservation, read: read ? decodeRead(read, row?.read) : undefined };
  }

  const store: RateLimitStore = {
    async hit(keys, windowMs, now) {
      if (keys.length === 0) return [];
      return byKey(keys, await hitQuery(db, keys, windowMs, now), now + windowMs);
    },
    async reserve(key, policy, now) {
      const [row] = await reserveQuery(db, key, policy, now);
      if (row) return { allowed: true, lockedUntil: 0 };
      return { allowed: false, lockedUntil: await store.lockedUntil(key, now) };
    },
    attempt(input) {
      if (input.hits.length === 0 && !input.reserve) {
        return (async () => ({ hits: [], reservation: null, read: input.read ? await input.read.run() : undefined }))();
      }
      return dialect.name === "postgres" ? attemptInOneStatement(input) : attemptInBatch(input);
    },
    async lockedUntil(key, now) {
      const [row] = await lockState(db, key);
      const until = row?.lockedUntil?.getTime() ?? 0;
      return until > now ? until : 0;
    },
    async clear(key) {
      await db.delete(table).where(eq(table.key, key));
    },
    deferredClear(key) {
      return {
        statement: (q) => q.delete(table).where(eq(table.key, key)),
        run: () => store.clear(key),
      };
    },
    prune(now) {
      const dead = and(
        lt(table.resetAt, new Date(now)),
        or(isNull(table.lockedUntil), lt(table.lockedUntil, new Date(now))),
      );
      return deleteInBatches(async (limit) => {
        const batch = db.select({ id: table.id }).from(table).where(dead).limit(limit);
        return dialect.affectedRows(await db.delete(table).where(inArray(table.id, batch)));
      });
    },
  };
  return store;
}

function decodeRead(read: SideRead, value: unknown): unknown {
  return value === null || value === undefined ? null : read.decode(value);
}

/** @internal Counters in this process only: the explicit opt-in `rateLimit.storage: "memory"`. */
export function memoryStore(): RateLimitStore {
  const rows = new Map<string, { count: number; resetAt: number; lockedUntil: number }>();
  const store: RateLimitStore = {
    async hit(keys, windowMs, now) {
      // Bounded memory: dead rows go whenever the map grows large.
      if (rows.size > 10_000) await store.prune(now);
      return keys.map((key) => {
        const row = rows.get(key);
        if (!row || row.resetAt <= now) {
          const fresh = { count: 1, resetAt: now + windowMs, lockedUntil: 0 };
          rows.set(key, fresh);
          return { count: 1, resetAt: fresh.resetAt };
        }
        row.count++;
        return { count: row.count, resetAt: row.resetAt };
      });
    },
    async reserve(key, policy, now) {
      const row = rows.get(key);
      if (row && row.resetAt > now && row.lockedUntil > now) return { allowed: false, lockedUntil: row.lockedUntil };
      const count = !row || row.resetAt <= now ? 1 : row.count + 1;
      const lock = lockDuration(count, policy);
      rows.set(key, { count, resetAt: now + policy.resetAfterSeconds * 1000, lockedUntil: lock ? now + lock : 0 });
      return { allowed: true, lockedUntil: 0 };
    },
    async attempt({ hits, windowMs, reserve, read, now }) {
      const counted = await store.hit(
        hits.map((hit) => hit.key),
        windowMs,
        now,
      );
      const limited = counted.some((hit, i) => hit.count > (hits[i]?.limit ?? 0));
      const reservation = reserve && !limited ? await store.reserve(reserve.key, reserve.policy, now) : null;
      return { hits: counted, reservation, read: read ? await read.run() : undefined };
    },
    async lockedUntil(key, now) {
      const until = rows.get(key)?.lockedUntil ?? 0;
      return until > now ? until : 0;
    },
    async clear(key) {
      rows.delete(key);
    },
    deferredClear(key) {
      rows.delete(key);
      return null;
    },
    async prune(now) {
      let count = 0;
      for (const [key, row] of rows) {
        if (row.resetAt < now && row.lockedUntil < now) {
          rows.delete(key);
          count++;
        }
      }
      return count;
    },
  };
  return store;
}

/** @internal SHA-256 (hex) of an identifier such as an IP or email, so counters store no address in clear. */
export function hashIdentifier(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** @internal Who an attempt is counted against. */
export interface RateLimitSubject {
  /**
   * The client address. `null`: no client (a script or server-side caller), not counted per IP.
   * Anything that is not an IP address, {@link UNKNOWN_CLIENT} included, counts in the shared
   * bucket of unknown clients.
   */
  ip?: string | null | undefined;
  /** The account (email, user id, device…), counted per account; omitted or null: not counted. */
  account?: string | null | undefined;
}

/** @internal Fixed-window counters over one store. */
export interface RateLimiter {
  /** Counts one attempt per IP and per account; throws RateLimitError when either is over its limit. */
  enforce(bucket: string, rule: RateLimitRuleSettings, who: RateLimitSubject): Promise<void>;
  /**
   * {@link RateLimiter.enforce}, and in the same round trip the reservation of a lockout key
   * (only when no counter is over its limit) and a side read: see {@link RateLimitStore.attempt}.
   * The reservation is null when none was asked for.
   */
  attempt(
    bucket: string,
    rule: RateLimitRuleSettings,
    who: RateLimitSubject,
    extra: { reserve?: AttemptInput["reserve"]; read?: SideRead | undefined },
  ): Promise<{ reservation: Reservation | null; read: unknown }>;
  /** Deletes dead rows; returns how many. */
  prune(): Promise<number>;
  readonly store: RateLimitStore;
}

const PRUNE_PROBABILITY = 1 / 500;

/** @internal */
export function createRateLimiter(store: RateLimitStore, options: { enabled: boolean }): RateLimiter {
  /** The counters `who` is counted in for `bucket`, each with its limit. */
  function countersOf(bucket: string, rule: RateLimitRuleSettings, who: RateLimitSubject) {
    const hits: { key: string; limit: number }[] = [];
    if (!options.enabled) return hits;
    if (who.ip !== null && who.ip !== undefined) {
      const ip = ipBucket(who.ip);
      if (ip) hits.push({ key: `${bucket}:ip:${hashIdentifier(ip)}`, limit: rule.perIP });
      else hits.push({ key: `${bucket}:ip:${UNKNOWN_CLIENT}`, limit: rule.perUnknownIP });
    }
    if (who.account) hits.push({ key: `${bucket}:account:${hashIdentifier(who.account)}`, limit: rule.perAccount });
    return hits;
  }

  const limiter: RateLimiter = {
    store,
    async enforce(bucket, rule, who) {
      await limiter.attempt(bucket, rule, who, {});
    },
    async attempt(bucket, rule, who, extra) {
      const now = Date.now();
      const hits = countersOf(bucket, rule, who);
      if (hits.length === 0 && !extra.reserve && !extra.read) return { reservation: null, read: undefined };
      // Both counters move even when one is over: a blocked address still spends its budget.
      const result = await store.attempt({ hits, windowMs: rule.window * 1000, now, ...extra });
      // Dead rows are deleted now and then, so the table stays small without a cron job.
      if (hits.length > 0 && Math.random() < PRUNE_PROBABILITY) void store.prune(now).catch(() => undefined);
      let retryAt = 0;
      result.hits.forEach((counted, index) => {
        if (counted.count > (hits[index]?.limit ?? 0)) retryAt = Math.max(retryAt, counted.resetAt);
      });
      if (retryAt > 0) {
        throw new RateLimitError(`Too many ${bucket} attempts; try again later.`, {
          retryAfter: (retryAt - now) / 1000,
        });
      }
      return { reservation: result.reservation, read: result.read };
    },
    prune() {
      return store.prune(Date.now());
    },
  };
  return limiter;
}

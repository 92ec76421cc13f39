import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Dialect, QueryDatabase } from "../database/dialect.js";
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
  /** When the lock of `key` ends (0 when not locked). */
  lockedUntil(key: string, now: number): Promise<number>;
  clear(key: string): Promise<void>;
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
  dialect: Pick<Dialect, "affectedRows" | "timestamp">,
): RateLimitStore {
  const at = (ms: number): SQL => dialect.timestamp(new Date(ms), table.resetAt);
  return {
    async hit(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const expired = lte(table.resetAt, new Date(now));
      // One multi-row upsert: a sign-in counts its address and its account in a single write.
      const rows = await db
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
      // RETURNING does not promise the order of VALUES.
      const byKey = new Map(rows.map((row) => [row.key, row]));
      return keys.map((key) => {
        const row = byKey.get(key);
        return { count: row?.count ?? 1, resetAt: row?.resetAt.getTime() ?? now + windowMs };
      });
    },
    async reserve(key, policy, now) {
      const forgetAt = now + policy.resetAfterSeconds * 1000;
      const forgotten = lte(table.resetAt, new Date(now));
      const next = sql`(CASE WHEN ${forgotten} THEN 1 ELSE ${table.count} + 1 END)`;
      const firstLock = lockDuration(1, policy);
      const [row] = await db
        .insert(table)
        .values({
          key,
          count: 1,
          resetAt: new Date(forgetAt),
          lockedUntil: firstLock ? new Date(now + firstLock) : null,
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
          setWhere: or(forgotten, isNull(table.lockedUntil), lte(table.lockedUntil, new Date(now))),
        })
        .returning({ count: table.count });
      if (row) return { allowed: true, lockedUntil: 0 };
      return { allowed: false, lockedUntil: await this.lockedUntil(key, now) };
    },
    async lockedUntil(key, now) {
      const [row] = await db.select({ lockedUntil: table.lockedUntil }).from(table).where(eq(table.key, key)).limit(1);
      const until = row?.lockedUntil?.getTime() ?? 0;
      return until > now ? until : 0;
    },
    async clear(key) {
      await db.delete(table).where(eq(table.key, key));
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
    async lockedUntil(key, now) {
      const until = rows.get(key)?.lockedUntil ?? 0;
      return until > now ? until : 0;
    },
    async clear(key) {
      rows.delete(key);
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
  /** Deletes dead rows; returns how many. */
  prune(): Promise<number>;
  readonly store: RateLimitStore;
}

const PRUNE_PROBABILITY = 1 / 500;

/** @internal */
export function createRateLimiter(store: RateLimitStore, options: { enabled: boolean }): RateLimiter {
  return {
    store,
    async enforce(bucket, rule, who) {
      if (!options.enabled) return;
      const now = Date.now();
      const checks: [key: string, limit: number][] = [];
      if (who.ip !== null && who.ip !== undefined) {
        const ip = ipBucket(who.ip);
        if (ip) checks.push([`${bucket}:ip:${hashIdentifier(ip)}`, rule.perIP]);
        else checks.push([`${bucket}:ip:${UNKNOWN_CLIENT}`, rule.perUnknownIP]);
      }
      if (who.account) checks.push([`${bucket}:account:${hashIdentifier(who.account)}`, rule.perAccount]);
      if (checks.length === 0) return;
      // Both counters move even when one is over: a blocked address still spends its budget.
      const results = await store.hit(
        checks.map(([key]) => key),
        rule.window * 1000,
        now,
      );
      // Dead rows are deleted now and then, so the table stays small without a cron job.
      if (Math.random() < PRUNE_PROBABILITY) void store.prune(now).catch(() => undefined);
      let retryAt = 0;
      results.forEach((result, index) => {
        const limit = checks[index]?.[1] ?? 0;
        if (result.count > limit) retryAt = Math.max(retryAt, result.resetAt);
      });
      if (retryAt > 0) {
        throw new RateLimitError(`Too many ${bucket} attempts; try again later.`, {
          retryAfter: (retryAt - now) / 1000,
        });
      }
    },
    prune() {
      return store.prune(Date.now());
    },
  };
}

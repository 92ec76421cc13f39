import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { RateLimitError } from "../shared/errors.js";
import { deleteInBatches } from "./batches.js";
import { ipBucket } from "./client-ip.js";
import type { AuthDatabase, AuthTables } from "./options.js";
import { hashIdentifier } from "./session-token.js";

/** A resolved limit: at most `perIP` / `perAccount` hits per `window` seconds. */
export interface RateLimitRuleSettings {
  window: number;
  perIP: number;
  perAccount: number;
}

/** A resolved lockout policy. */
export interface LockoutSettings {
  enabled: boolean;
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
  resetAfterSeconds: number;
}

/** @internal Where counters live: one table shared by every instance, or this process's memory. */
export interface RateLimitStore {
  /**
   * Counts one hit in the window of each key (one statement for all of them); returns, in the
   * order of `keys`, the count so far and when the window ends.
   */
  hit(keys: readonly string[], windowMs: number, now: number): Promise<{ count: number; resetAt: number }[]>;
  /** Counts one failure for a lockout key and returns the consecutive failures so far. */
  fail(key: string, forgetMs: number, now: number): Promise<number>;
  /** Sets the lock end, never moving an existing one earlier. */
  lock(key: string, until: number): Promise<void>;
  /** When the lock of `key` ends (0 when not locked). */
  lockedUntil(key: string, now: number): Promise<number>;
  clear(key: string): Promise<void>;
  /** Deletes dead rows; returns how many. */
  prune(now: number): Promise<number>;
}

/** @internal Counters in the `rate_limits` table: each hit is one atomic upsert, so instances agree. */
export function databaseStore(db: AuthDatabase, table: AuthTables["rateLimits"]): RateLimitStore {
  return {
    async hit(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const expired = sql`${table.resetAt} <= ${now}`;
      // One multi-row upsert: a sign-in counts its address and its account in a single write.
      const rows = await db
        .insert(table)
        .values(keys.map((key) => ({ key, count: 1, resetAt: new Date(now + windowMs) })))
        .onConflictDoUpdate({
          target: table.key,
          set: {
            count: sql`CASE WHEN ${expired} THEN 1 ELSE ${table.count} + 1 END`,
            resetAt: sql`CASE WHEN ${expired} THEN ${now + windowMs} ELSE ${table.resetAt} END`,
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
    async fail(key, forgetMs, now) {
      const expired = sql`${table.resetAt} <= ${now}`;
      const [row] = await db
        .insert(table)
        .values({ key, count: 1, resetAt: new Date(now + forgetMs) })
        .onConflictDoUpdate({
          target: table.key,
          set: {
            count: sql`CASE WHEN ${expired} THEN 1 ELSE ${table.count} + 1 END`,
            lockedUntil: sql`CASE WHEN ${expired} THEN NULL ELSE ${table.lockedUntil} END`,
            resetAt: new Date(now + forgetMs),
            updatedAt: new Date(now),
          },
        })
        .returning({ count: table.count });
      return row?.count ?? 1;
    },
    async lock(key, until) {
      await db
        .update(table)
        .set({ lockedUntil: sql`max(coalesce(${table.lockedUntil}, 0), ${until})` })
        .where(eq(table.key, key));
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
        const result = await db.delete(table).where(inArray(table.id, batch)).run();
        return result.rowsAffected;
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
    async fail(key, forgetMs, now) {
      const row = rows.get(key);
      if (!row || row.resetAt <= now) {
        rows.set(key, { count: 1, resetAt: now + forgetMs, lockedUntil: 0 });
        return 1;
      }
      row.count++;
      row.resetAt = now + forgetMs;
      return row.count;
    },
    async lock(key, until) {
      const row = rows.get(key);
      if (row) row.lockedUntil = Math.max(row.lockedUntil, until);
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

/** The actions that are rate limited. */
export type RateLimitBucket = "sign-in" | "register" | "email" | "confirm" | "change-password";

/** @internal Rate limits and the lockout over one store. */
export interface Limiter {
  /** Counts one attempt per IP and per account; throws RateLimitError when either is over its limit. */
  enforce(
    bucket: RateLimitBucket,
    rule: RateLimitRuleSettings,
    who: { ip?: string | null; account?: string | null },
  ): Promise<void>;
  /** Seconds until the account's lock ends, or 0. */
  lockedFor(account: string): Promise<number>;
  /** Records a failed sign-in; locks the account with backoff past the threshold. */
  recordFailure(account: string): Promise<void>;
  /** Forgets the failures after a successful sign-in. */
  recordSuccess(account: string): Promise<void>;
  prune(): Promise<number>;
}

const PRUNE_PROBABILITY = 1 / 500;

/** @internal */
export function createLimiter(store: RateLimitStore, options: { enabled: boolean; lockout: LockoutSettings }): Limiter {
  const { lockout } = options;
  const lockKey = (account: string): string => `lockout:${hashIdentifier(account)}`;
  return {
    async enforce(bucket, rule, who) {
      if (!options.enabled) return;
      const now = Date.now();
      const ip = ipBucket(who.ip);
      const checks: [key: string, limit: number][] = [];
      if (ip) checks.push([`${bucket}:ip:${hashIdentifier(ip)}`, rule.perIP]);
      if (who.account) checks.push([`${bucket}:account:${hashIdentifier(who.account)}`, rule.perAccount]);
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
    async lockedFor(account) {
      if (!lockout.enabled) return 0;
      const now = Date.now();
      const until = await store.lockedUntil(lockKey(account), now);
      return until > now ? Math.ceil((until - now) / 1000) : 0;
    },
    async recordFailure(account) {
      if (!lockout.enabled) return;
      const now = Date.now();
      const key = lockKey(account);
      const failures = await store.fail(key, lockout.resetAfterSeconds * 1000, now);
      if (failures >= lockout.threshold) {
        const seconds = Math.min(
          lockout.baseSeconds * 2 ** Math.min(failures - lockout.threshold, 30),
          lockout.maxSeconds,
        );
        await store.lock(key, now + seconds * 1000);
      }
    },
    async recordSuccess(account) {
      if (!lockout.enabled) return;
      await store.clear(lockKey(account));
    },
    prune() {
      return store.prune(Date.now());
    },
  };
}

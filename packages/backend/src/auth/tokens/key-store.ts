import { gt, inArray, lte } from "drizzle-orm";
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Dialect, QueryDatabase } from "../../database/dialect.js";
import type { SigningAlgorithm } from "../../database/model.js";
import { deleteInBatches } from "../../shared/batches.js";
import type { AuthTables } from "../tables.js";
import type { SigningKeyVault } from "./sealing.js";

// The signing keys of asymmetric access tokens, in the `jwks` table. Keys are made lazily, one
// per rotation period: the period's number (time ÷ interval), the algorithm, the interval and the
// fingerprint of the secret they are sealed under form its `slot`, which is unique. Every
// instance computes the same slot at the same moment, inserts with ON CONFLICT DO NOTHING and
// reads back the one row that won, so two instances never sign with two "current" keys
// (better-auth #5663), and a key is made once per period, never per request (better-auth
// #6215): each instance keeps the current key in memory until its period ends. The next
// period's key is made with the current one, so it is in `/jwks` a whole period before it signs.

/** @internal A public key a token may name in its `kid`. */
export interface VerificationKey {
  kid: string;
  algorithm: SigningAlgorithm;
  key: CryptoKey;
  /** The public JWK, as `/jwks` serves it. */
  jwk: JWK;
  /** Until when (ms) the key is accepted. */
  expiresAt: number;
}

/** @internal The key that signs now. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  key: CryptoKey;
  /** Until when (ms) the key is accepted: no token it signs may outlive it. */
  expiresAt: number;
}

/** @internal The `jwks` table, as access tokens use it. */
export interface KeyStore {
  /** The key of the current period (made, with the next period's, if missing). */
  signingKey(now: number): Promise<SigningKey>;
  /** The published key `kid` names, or null (unknown or retired). */
  verificationKey(kid: string, now: number): Promise<VerificationKey | null>;
  /** Every published key, for `/jwks`. `ensure`: make the current and next keys first. */
  publicKeys(now: number, ensure: boolean): Promise<VerificationKey[]>;
  /** Deletes keys past their publication; returns how many. */
  prune(now: number): Promise<number>;
}

/** A key unknown to the cache is looked for in the table again at most this often. */
const RELOAD_AFTER_MISS_MS = 10_000;
/** `/jwks` reads the table again when its copy is older than this (keys of other instances). */
const PUBLISHED_MAX_AGE_MS = 60_000;

type KeyRow = AuthTables["jwks"]["$inferSelect"];

/** @internal The key store of `algorithm` over the `jwks` table. */
export function createKeyStore(
  db: QueryDatabase,
  table: AuthTables["jwks"],
  dialect: Pick<Dialect, "affectedRows">,
  options: {
    algorithm: SigningAlgorithm | null;
    vault: SigningKeyVault;
    rotationInterval: number;
    rotationOverlap: number;
  },
): KeyStore {
  const { algorithm, vault } = options;
  const interval = options.rotationInterval * 1000;
  const overlap = options.rotationOverlap * 1000;
  let published = new Map<string, VerificationKey>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | null = null;
  let signing: { slot: string; key: SigningKey } | null = null;
  let ensuring: Promise<SigningKey> | null = null;

  const periodOf = (now: number): number => Math.floor(now / interval);
  const slotOf = (alg: SigningAlgorithm, period: number): string =>
    `${alg}/${options.rotationInterval}/${period}/${vault.fingerprint}`;

  async function toVerificationKey(row: KeyRow): Promise<VerificationKey> {
    const jwk = JSON.parse(row.publicKey) as JWK;
    return {
      kid: row.kid,
      algorithm: row.algorithm,
      key: (await importJWK(jwk, row.algorithm)) as CryptoKey,
      jwk,
      expiresAt: row.expiresAt.getTime(),
    };
  }

  async function publishedRows(now: number): Promise<KeyRow[]> {
    return db
      .select()
      .from(table)
      .where(gt(table.expiresAt, new Date(now)));
  }

  /** Replaces the cache with the published rows; returns them. */
  async function reload(now: number): Promise<KeyRow[]> {
    const rows = await publishedRows(now);
    const next = new Map<string, VerificationKey>();
    for (const row of rows) {
      // A row this version cannot read (a public key it fails to import) is left out, not fatal.
      const key = await toVerificationKey(row).catch(() => null);
      if (key) next.set(key.kid, key);
    }
    published = next;
    loadedAt = now;
    return rows;
  }

  function reloadOnce(now: number): Promise<void> {
    loading ??= reload(now).then(
      () => {
        loading = null;
      },
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  }

  /** A new key pair for `period`, as a row to insert (the private half sealed). */
  async function newRow(alg: SigningAlgorithm, period: number): Promise<typeof table.$inferInsert> {
    const pair = await generateKeyPair(alg, { extractable: true });
    const publicJWK = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJWK, "sha256");
    const jwk: JWK = { ...publicJWK, kid, alg, use: "sig" };
    const privateJWK = { ...(await exportJWK(pair.privateKey)), kid, alg };
    const notBefore = period * interval;
    return {
      kid,
      algorithm: alg,
      publicKey: JSON.stringify(jwk),
      privateKey: vault.seal(JSON.stringify(privateJWK), kid),
      slot: slotOf(alg, period),
      notBefore: new Date(notBefore),
      notAfter: new Date(notBefore + interval),
      expiresAt: new Date(notBefore + interval + overlap),
    };
  }

  async function ensure(alg: SigningAlgorithm, now: number): Promise<SigningKey> {
    const period = periodOf(now);
    const wanted = [slotOf(alg, period), slotOf(alg, period + 1)];
    let rows = await reload(now);
    const missing = [period, period + 1].filter((p) => !rows.some((row) => row.slot === slotOf(alg, p)));
    if (missing.length > 0) {
      const values = await Promise.all(missing.map((p) => newRow(alg, p)));
      // Another instance may be inserting the same slots right now: the first insert wins, the
      // other does nothing, and both read back the winner.
      await db.insert(table).values(values).onConflictDoNothing({ target: table.slot });
      rows = await reload(now);
    }
    const row = rows.find((candidate) => candidate.slot === wanted[0]);
    if (!row) throw new Error("access tokens: the signing key of this period could not be read back");
    const privateJWK = vault.open(row.privateKey, row.kid);
    // The slot names the secret's fingerprint, so this only fails if the row was altered.
    if (privateJWK === null) throw new Error("access tokens: the signing key of this period cannot be decrypted");
    const key: SigningKey = {
      kid: row.kid,
      algorithm: row.algorithm,
      key: (await importJWK(JSON.parse(privateJWK) as JWK, row.algorithm)) as CryptoKey,
      expiresAt: row.expiresAt.getTime(),
    };
    signing = { slot: row.slot, key };
    return key;
  }

  return {
    async signingKey(now) {
      if (!algorithm) throw new Error("access tokens: no asymmetric algorithm is configured");
      const slot = slotOf(algorithm, periodOf(now));
      if (signing?.slot === slot) return signing.key;
      ensuring ??= ensure(algorithm, now).finally(() => {
        ensuring = null;
      });
      return ensuring;
    },
    async verificationKey(kid, now) {
      let key = published.get(kid);
      if (!key && now - loadedAt >= RELOAD_AFTER_MISS_MS) {
        await reloadOnce(now);
        key = published.get(kid);
      }
      return key && key.expiresAt > now ? key : null;
    },
    async publicKeys(now, ensureKeys) {
      if (ensureKeys && algorithm) await this.signingKey(now);
      if (now - loadedAt >= PUBLISHED_MAX_AGE_MS) await reloadOnce(now);
      return [...published.values()].filter((key) => key.expiresAt > now);
    },
    prune(now) {
      return deleteInBatches(async (limit) => {
        const dead = db
          .select({ id: table.id })
          .from(table)
          .where(lte(table.expiresAt, new Date(now)))
          .limit(limit);
        return dialect.affectedRows(await db.delete(table).where(inArray(table.id, dead)));
      });
    },
  };
}

import { createHash, randomBytes } from "node:crypto";

// What an API key looks like: a fixed prefix that secret scanners can match (`tsk_` unless the
// app picks its own) and 43 base62 characters (256 bits from the CSPRNG; base62 so that a
// double-click selects the whole key). Only the SHA-256 of the whole key is stored: a key with
// 256 random bits needs no slow hash, and the lookup stays one indexed query.

/** The prefix of API keys unless `apiKeys.prefix` says otherwise. */
export const DEFAULT_API_KEY_PREFIX = "tsk_";

/** @internal A prefix: a lower-case letter, up to 15 more letters or digits, and `_`. */
export const API_KEY_PREFIX_SHAPE = /^[a-z][a-z0-9]{0,15}_$/;

/** Any key this package issues, whatever prefix it was issued with (keys outlive a prefix change). */
const API_KEY_SHAPE = /^[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{43}$/;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters carry 43 × log2(62) ≈ 256.03 bits. */
const RANDOM_LENGTH = 43;

/** `length` uniformly random base62 characters (bytes ≥ 248 are dropped, so there is no modulo bias). */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** @internal A new key, and what may be stored of it besides its hash. */
export function generateAPIKey(prefix: string): { key: string; lastFour: string } {
  const random = randomBase62(RANDOM_LENGTH);
  return { key: `${prefix}${random}`, lastFour: random.slice(-4) };
}

/** @internal Whether `value` has the shape of a key this package issued (anything else costs no query). */
export function isAPIKey(value: unknown): value is string {
  return typeof value === "string" && API_KEY_SHAPE.test(value);
}

/** @internal SHA-256 (hex) of a key: what `api_keys.key_hash` stores. */
export function hashAPIKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * @internal The key a request carries: `x-api-key`, else `Authorization: Bearer` when its token
 * has a key's shape (a bearer session token or access JWT is not an API key). Null when neither.
 */
export function apiKeyFromRequest(request: Request): string | null {
  const header = request.headers.get("x-api-key")?.trim();
  if (header) return header;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get("authorization") ?? "");
  return match?.[1] && isAPIKey(match[1]) ? match[1] : null;
}

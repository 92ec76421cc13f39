import * as z from "zod";
import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { APIKeyError, type APIKeyErrorCode, ValidationError } from "../../shared/errors.js";
import { secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import {
  API_KEY_PREFIX_SHAPE,
  apiKeyFromRequest,
  DEFAULT_API_KEY_PREFIX,
  generateAPIKey,
  hashAPIKey,
  isAPIKey,
} from "../api-keys/format.js";
import { createAPIKeyStore } from "../api-keys/store.js";
import type { AuthContext } from "../context.js";
import type { AuthTables } from "../tables.js";

const DAY = 24 * 60 * 60;
/** `lastUsedAt` is written at most this often per key (ms): not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** API keys, for scripts and customers' servers that call the app. Always available. */
export interface APIKeyOptions {
  /**
   * What every new key starts with: a lower-case letter, up to 15 letters or digits, and `_`.
   * Secret scanners (GitHub's push protection, gitleaks) can be told to look for it. Keys made
   * with an earlier prefix keep working.
   * @default "tsk_"
   */
  prefix?: string;
  /**
   * Seconds a new key lives when `createAPIKey` is given no `expiresIn`; `null`: keys never expire
   * unless asked.
   * @default 7776000 (90 days)
   */
  defaultExpiresIn?: number | null;
  /**
   * Requests each key may make per `window` seconds (`verifyAPIKey` throws `RateLimitError`
   * past it), counted by the package's rate limiter (`rateLimit.storage`); `false`: no limit.
   * @default { window: 60, max: 600 }
   */
  rateLimit?: { window?: number; max?: number } | false;
}

/** @internal Validation of {@link APIKeyOptions}. */
export const apiKeyOptionsSchema = z
  .strictObject({
    prefix: z
      .string()
      .regex(API_KEY_PREFIX_SHAPE, { error: 'must be a lower-case letter, up to 15 letters or digits, then "_"' })
      .default(DEFAULT_API_KEY_PREFIX),
    defaultExpiresIn: z
      .union([
        z
          .number()
          .int()
          .min(60)
          .max(5 * 365 * DAY),
        z.null(),
      ])
      .default(90 * DAY),
    rateLimit: z
      .union([
        z.literal(false),
        z.strictObject({ window: seconds(1, DAY, 60), max: z.number().int().min(1).default(600) }),
      ])
      .default({ window: 60, max: 600 }),
  })
  .prefault({});

/** @internal {@link APIKeyOptions} with every default filled in. */
export type APIKeySettings = z.output<typeof apiKeyOptionsSchema>;

/** Options of `createAPIKey()`. */
export interface CreateAPIKeyOptions {
  /** What the key is for, as the user named it ("CI deploys"): 1 to 100 characters. */
  name: string;
  /**
   * What the key may do: strings your routes ask `verifyAPIKey` for (`"notes:read"`); up to 50.
   * @default []
   */
  scopes?: string[];
  /**
   * Seconds until the key stops working; `null`: never.
   * @default apiKeys.defaultExpiresIn (90 days)
   */
  expiresIn?: number | null;
}

/** An API key as lists show it: never the key, never its hash. */
export interface APIKeyInfo {
  id: string;
  name: string;
  /** The key's prefix, such as `"tsk_"`. */
  prefix: string;
  /** The key's last four characters, to tell keys apart (`tsk_…a1B2`). */
  lastFour: string;
  scopes: string[];
  /** Null when it never expires. */
  expiresAt: Date | null;
  /** Accurate to a minute; null when never used. */
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** What `createAPIKey` returns: the key itself, shown this once, and its record. */
export interface CreatedAPIKey {
  /** The key: hand it to the user now; it cannot be shown again (only its hash is stored). */
  key: string;
  apiKey: APIKeyInfo;
}

/** Options of `verifyAPIKey()`. */
export interface VerifyAPIKeyOptions {
  /**
   * Scopes the key must all have.
   * @default [] (any genuine key)
   */
  scopes?: string[];
}

/** Who a verified key belongs to, and what it may do. */
export interface VerifiedAPIKey {
  /** The key's id (`apiKeys` row): for logs and audit, never a secret. */
  id: string;
  /** The user the key acts for. */
  userId: string;
  name: string;
  scopes: string[];
  expiresAt: Date | null;
}

/** What `createAuth` adds for API keys. */
export interface APIKeyMethods {
  /**
   * A new API key for the user: `prefix` + 43 base62 characters (256 random bits), returned this
   * once; the database keeps its SHA-256, prefix, last four characters, scopes and expiry. Keys
   * die with their user. `ValidationError` for a bad name, scope or lifetime, or an unknown user.
   */
  createAPIKey(userId: string, options: CreateAPIKeyOptions): Promise<CreatedAPIKey>;
  /**
   * The owner and scopes of the key a request carries (`x-api-key`, or `Authorization: Bearer`
   * with a key) or of the key itself, in one indexed query; counts the request against the key's
   * rate limit (`RateLimitError`). Throws `APIKeyError`: `API_KEY_INVALID` (missing, malformed,
   * unknown or revoked), `API_KEY_EXPIRED`, `API_KEY_INSUFFICIENT_SCOPE` (403).
   */
  verifyAPIKey(requestOrKey: Request | string, options?: VerifyAPIKeyOptions): Promise<VerifiedAPIKey>;
  /** The user's keys, newest first: names, prefixes, last four characters, never the keys. */
  listAPIKeys(userId: string): Promise<APIKeyInfo[]>;
  /** Deletes one of the user's keys at once; false when it was not theirs or is gone. */
  revokeAPIKey(userId: string, keyId: string): Promise<boolean>;
}

const scope = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9:._*/-]{0,63}$/, { error: "must be 1 to 64 letters, digits or : . _ * / -" });

const createInput = z.strictObject({
  name: z.string().trim().min(1, { error: "is required" }).max(100, { error: "is too long (100 characters at most)" }),
  scopes: z
    .array(scope)
    .max(50, { error: "has too many scopes (50 at most)" })
    .transform((list) => [...new Set(list)])
    .default([]),
  expiresIn: z
    .union(
      [
        z
          .number()
          .int()
          .min(60)
          .max(5 * 365 * DAY),
        z.null(),
      ],
      {
        error: "must be whole seconds from 60 to 5 years, or null",
      },
    )
    .optional(),
});

const requiredScopes = z.array(scope).max(50);

/** A row id as this package makes them (UUIDs; anything else finds nothing). */
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255;
}

function refuse(code: APIKeyErrorCode, message: string): APIKeyError {
  return new APIKeyError(message, { code });
}

function infoOf(row: AuthTables["apiKeys"]["$inferSelect"]): APIKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    lastFour: row.lastFour,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
  };
}

/** @internal Creating, verifying, listing and revoking API keys. */
export function apiKeys(ctx: AuthContext, settings: APIKeySettings): APIKeyMethods {
  const store = createAPIKeyStore(ctx.db, ctx.tables.apiKeys, ctx.dialect);
  const { rateLimit } = settings;
  const rule = rateLimit
    ? { window: rateLimit.window, perIP: rateLimit.max, perAccount: rateLimit.max, perUnknownIP: rateLimit.max }
    : null;

  return {
    async createAPIKey(userId, options) {
      assertArgument(isId(userId), "createAPIKey", "userId", "a user id (string)");
      const input = parseInput(createInput, options, "createAPIKey");
      const user = ctx.dialect.canBeId(userId) ? await ctx.users.byId(userId) : null;
      if (!user) {
        throw new ValidationError("createAPIKey: userId names no user.", {
          issues: [{ path: "userId", message: "names no user" }],
        });
      }
      const { key, lastFour } = generateAPIKey(settings.prefix);
      const expiresIn = input.expiresIn === undefined ? settings.defaultExpiresIn : input.expiresIn;
      const row = await store.create(
        {
          userId,
          name: input.name,
          keyHash: hashAPIKey(key),
          prefix: settings.prefix,
          lastFour,
          scopes: input.scopes,
          expiresAt: expiresIn === null ? null : new Date(ctx.now() + expiresIn * 1000),
        },
        (q, key) => [
          // The name and scopes, never the key (nor its hash or last four characters).
          ctx.audit.insert(q, {
            action: "api_key.created",
            actorId: userId,
            userId,
            target: { type: "api_key", id: key.id },
            details: { name: input.name, scopes: input.scopes },
          }),
        ],
      );
      const apiKey = infoOf(row);
      for (const listener of ctx.hooks.apiKeyCreated) {
        await listener({ userId, keyId: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expiresAt });
      }
      return { key, apiKey };
    },

    async verifyAPIKey(requestOrKey, options) {
      assertArgument(
        typeof requestOrKey === "string" || requestOrKey instanceof Request,
        "verifyAPIKey",
        "requestOrKey",
        "a Request or an API key (string)",
      );
      assertArgument(isOptionalObject(options), "verifyAPIKey", "options", "an object");
      const wanted = parseInput(requiredScopes, options?.scopes ?? [], "verifyAPIKey: options.scopes");
      const key = typeof requestOrKey === "string" ? requestOrKey.trim() : apiKeyFromRequest(requestOrKey);
      if (!key) throw refuse("API_KEY_INVALID", "No API key: send it in the x-api-key header.");
      // Anything that is not shaped like a key costs no query (and is never echoed).
      if (!isAPIKey(key)) throw refuse("API_KEY_INVALID", "The API key is not valid.");
      const row = await store.byHash(hashAPIKey(key));
      if (!row) throw refuse("API_KEY_INVALID", "The API key is not valid.");
      await ctx.caller.atRequestTime?.();
      const now = ctx.now();
      if (row.expiresAt && row.expiresAt.getTime() <= now) throw refuse("API_KEY_EXPIRED", "The API key has expired.");
      if (rule) await ctx.limiter.enforce("api-key", rule, { account: row.id });
      const missing = wanted.filter((name) => !row.scopes.includes(name));
      if (missing.length > 0) {
        throw refuse("API_KEY_INSUFFICIENT_SCOPE", `The API key lacks the scope ${missing.join(", ")}.`);
      }
      if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        await store.touch(row.id, new Date(now), LAST_USED_RESOLUTION_MS);
      }
      return { id: row.id, userId: row.userId, name: row.name, scopes: row.scopes, expiresAt: row.expiresAt };
    },

    async listAPIKeys(userId) {
      assertArgument(isId(userId), "listAPIKeys", "userId", "a user id (string)");
      return (await store.list(userId)).map(infoOf);
    },

    async revokeAPIKey(userId, keyId) {
      assertArgument(isId(userId), "revokeAPIKey", "userId", "a user id (string)");
      assertArgument(isId(keyId), "revokeAPIKey", "keyId", "an API key id (string)");
      const row = await store.revoke(userId, keyId, {
        log: ctx.audit,
        event: { action: "api_key.revoked", actorId: userId, userId, target: { type: "api_key", id: keyId } },
      });
      if (!row) return false;
      for (const listener of ctx.hooks.apiKeyRevoked) await listener({ userId, keyId: row.id, name: row.name });
      return true;
    },
  };
}

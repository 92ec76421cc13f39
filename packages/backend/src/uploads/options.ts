import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as z from "zod";
import { databaseDialect, tableDialect } from "../database/dialect.js";
import type { uploads as postgresUploads } from "../database/postgres/tables.js";
import type { uploads } from "../database/tables.js";

const MiB = 1024 * 1024;

/** @internal R2's limits: presigned URLs live at most 7 days; objects and parts are capped. */
export const R2_LIMITS = {
  maxExpiresInSeconds: 604_800,
  maxSinglePutBytes: 5 * 1024 * MiB,
  maxObjectBytes: 5 * 1024 * 1024 * MiB,
  minPartBytes: 5 * MiB,
  maxPartBytes: 5 * 1024 * MiB,
  maxParts: 10_000,
} as const;

/**
 * The Drizzle database `/uploads` writes its records to: libSQL (`createDatabase()` from
 * `/database`) or PostgreSQL (from `/database/postgres`).
 */
export type UploadsDatabase =
  | LibSQLDatabase<Record<string, unknown>>
  | PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * The table upload records live in: this package's `uploads` table (of the database's dialect) or
 * one with the same columns.
 */
export type UploadsTable = typeof uploads | typeof postgresUploads;

/** One named upload policy: which files may be uploaded under it and where they go. */
export interface UploadPolicy {
  /**
   * Content types accepted, exact (`"application/pdf"`) or by top-level type (`"image/*"`).
   * Prefer exact types: `"image/*"` also admits `image/svg+xml`, which can carry scripts.
   */
  contentTypes: readonly string[];
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /**
   * First segment(s) of every key under this policy, such as `"avatars"` or `"docs/2025"`.
   * @default the policy's name
   */
  prefix?: string;
}

/** The policies used when `createUploads` is given none. */
export const DEFAULT_UPLOAD_POLICIES = {
  /** Profile pictures: PNG, JPEG, WebP, GIF or AVIF up to 2 MiB. SVG is left out on purpose. */
  avatar: {
    contentTypes: ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"],
    maxBytes: 2 * MiB,
  },
  /** PDFs up to 20 MiB. */
  document: { contentTypes: ["application/pdf"], maxBytes: 20 * MiB },
} as const satisfies Record<string, UploadPolicy>;

/** Options of `createUploads`. Credentials fall back to the `R2_*` environment variables. */
export interface UploadsOptions {
  /** The Drizzle database holding the `uploads` table (from `createDatabase`). */
  db: UploadsDatabase;
  /**
   * The table upload records are written to.
   * @default uploads (from `@tetrastack/backend/database`, or `/database/postgres` on PostgreSQL)
   */
  table?: UploadsTable;
  /**
   * Cloudflare account id; builds the endpoint `https://<accountId>.r2.cloudflarestorage.com`.
   * Not needed when `endpoint` is given.
   * @default process.env.R2_ACCOUNT_ID
   */
  accountId?: string;
  /** @default process.env.R2_ACCESS_KEY_ID */
  accessKeyId?: string;
  /** @default process.env.R2_SECRET_ACCESS_KEY */
  secretAccessKey?: string;
  /** @default process.env.R2_BUCKET */
  bucket?: string;
  /**
   * Any S3-compatible endpoint, such as an EU-jurisdiction R2 endpoint or the local server of
   * `@tetrastack/backend/uploads/dev`.
   * @default process.env.R2_ENDPOINT, else `https://${accountId}.r2.cloudflarestorage.com`
   */
  endpoint?: string;
  /**
   * Address objects as `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint host>/<key>`.
   * R2 accepts both; local servers need path style.
   * @default true
   */
  forcePathStyle?: boolean;
  /**
   * Base URL of a public bucket or custom domain (`https://files.example.com`). When set, records
   * carry `publicURL: <base>/<key>`; otherwise `publicURL` is `null`.
   */
  publicBaseURL?: string;
  /**
   * Lifetime of every signed URL, in seconds: 1 to 604800 (7 days, R2's limit).
   * @default 600
   */
  expiresInSeconds?: number;
  /**
   * Named policies. Giving this replaces the defaults rather than adding to them.
   * @default `DEFAULT_UPLOAD_POLICIES` (`{ avatar, document }`)
   */
  policies?: Record<string, UploadPolicy>;
  /** Presigned multipart uploads, for files larger than `threshold`. */
  multipart?: {
    /**
     * Files larger than this (bytes) must use `createMultipartUpload`; `createUploadURL` refuses them.
     * At most 5 GiB, the largest single PUT.
     * @default 104857600 (100 MiB)
     */
    threshold?: number;
    /**
     * Size of every part but the last (bytes), at least 5 MiB. Raised in whole MiB for files that
     * would otherwise need more than 10,000 parts.
     * @default 10485760 (10 MiB)
     */
    partSize?: number;
    /**
     * Most part URLs signed at once: `createMultipartUpload` returns the first this many, and each
     * `signUploadParts` call signs at most this many. Bounds the work one request can cause (a
     * 200 GiB file has 9,753 parts). 1 to 1000.
     * @default 100
     */
    signBatchSize?: number;
  };
  /** Limits on signing uploads (`createUploadURL`, `createMultipartUpload`), per user and per IP. */
  rateLimit?: UploadRateLimitOptions;
  /**
   * Who may act on uploads owned by an organization (an `organizationId` given at creation):
   * asked with the signed-in user, the organization and the action (`"create"` to upload or
   * finish uploading, `"read"` to download or list, `"delete"`), before anything is signed or
   * changed; `false` is `UPLOAD_FORBIDDEN`. Wire it to `/auth`'s `hasPermission`. Without it,
   * uploads cannot be given an organization (`ConfigError`).
   * @default undefined
   * @example
   * organizationAccess: ({ userId, organizationId, action }) => hasPermission({ userId, organizationId, permission: { upload: [action] } })
   */
  organizationAccess?: OrganizationAccess;
}

/** What {@link OrganizationAccess} is asked. */
export type UploadAction = "create" | "read" | "delete";

/** Decides whether `userId` may do `action` on uploads of `organizationId` (see `UploadsOptions.organizationAccess`). */
export type OrganizationAccess = (request: {
  userId: string;
  organizationId: string;
  action: UploadAction;
}) => boolean | Promise<boolean>;

/**
 * How many uploads may be signed: per user (`ownerId`) and per client address (the `ip` the
 * caller passes), in fixed windows. A refused call throws `RateLimitError` (`RATE_LIMITED`, with
 * `retryAfter`) before anything is signed or written.
 */
export interface UploadRateLimitOptions {
  /**
   * Turn the limits off (not advisable outside tests).
   * @default true
   */
  enabled?: boolean;
  /**
   * `"database"` counts in the `rate_limits` table, so every instance on the database shares one
   * limit. `"memory"` counts per process: an explicit opt-in for single-instance apps.
   * @default "database"
   */
  storage?: "database" | "memory";
  /**
   * Window length in seconds (1 to 604800).
   * @default 3600
   */
  window?: number;
  /**
   * Uploads one user may start in a window.
   * @default 100
   */
  perUser?: number;
  /**
   * Uploads one client address (IPv6 counted per /64) may start in a window.
   * @default 300
   */
  perIP?: number;
  /**
   * Uploads in a window from all callers whose `ip` is not an IP address (`"unknown"`, a garbled
   * header value), together. `ip: null` or no `ip` is not counted per IP at all.
   * @default 10 × perIP
   */
  perUnknownIP?: number;
}

/** Columns `/uploads` reads and writes; a custom `table` must have them all. */
const TABLE_COLUMNS = ["id", "ownerId", "key", "policy", "filename", "contentType", "size", "status", "etag"] as const;
// `organizationId` too, when uploads are owned by organizations (checked when first used).

const contentTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;
const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const prefixPattern = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*$/;

function credential(option: string, variable: string): z.ZodString {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `missing: pass ${option} or set ${variable}` : "must be a string"),
    })
    .trim()
    .min(1, `missing: pass ${option} or set ${variable}`);
}

const policySchema = z.object({
  contentTypes: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(contentTypePattern, 'must be a content type such as "image/png" or "image/*"'),
    )
    .min(1, "must list at least one content type"),
  maxBytes: z.int().positive().max(R2_LIMITS.maxObjectBytes),
  prefix: z.string().max(64).regex(prefixPattern, "must be lower-case path segments such as avatars/2025").optional(),
});

/**
 * Validation of `createUploads`' options, run once at creation. Credentials are resolved from
 * the environment before this runs; a missing one is reported by option and variable name,
 * never by value.
 */
export const uploadsOptionsSchema = z
  .object({
    db: z.custom<UploadsDatabase>(
      (value) => databaseDialect(value) !== null,
      "must be a Drizzle database: createDatabase() from @tetrastack/backend/database (libSQL) or @tetrastack/backend/database/postgres",
    ),
    table: z
      .custom<UploadsTable>(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          TABLE_COLUMNS.every((column) => typeof (value as Record<string, unknown>)[column] === "object"),
        "must be a Drizzle table with the columns of the uploads table",
      )
      .optional(),
    accountId: z.string().trim().min(1).optional(),
    accessKeyId: credential("accessKeyId", "R2_ACCESS_KEY_ID"),
    secretAccessKey: credential("secretAccessKey", "R2_SECRET_ACCESS_KEY"),
    bucket: credential("bucket", "R2_BUCKET"),
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    forcePathStyle: z.boolean().default(true),
    publicBaseURL: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
    expiresInSeconds: z.int().min(1).max(R2_LIMITS.maxExpiresInSeconds).default(600),
    policies: z
      .record(z.string().regex(policyNamePattern, "policy names are letters, digits, - and _"), policySchema)
      .refine((policies) => Object.keys(policies).length > 0, "must define at least one policy")
      .default(DEFAULT_UPLOAD_POLICIES as unknown as Record<string, z.input<typeof policySchema>>),
    multipart: z
      .object({
        threshold: z
          .int()
          .positive()
          .max(R2_LIMITS.maxSinglePutBytes)
          .default(100 * MiB),
        partSize: z
          .int()
          .min(R2_LIMITS.minPartBytes)
          .max(R2_LIMITS.maxPartBytes)
          .default(10 * MiB),
        signBatchSize: z.int().min(1).max(1000).default(100),
      })
      .prefault({}),
    rateLimit: z
      .object({
        enabled: z.boolean().default(true),
        storage: z.enum(["database", "memory"]).default("database"),
        window: z
          .int()
          .min(1)
          .max(7 * 86_400)
          .default(3600),
        perUser: z.int().min(1).default(100),
        perIP: z.int().min(1).default(300),
        perUnknownIP: z.int().min(1).optional(),
      })
      .transform(({ perUnknownIP, ...rule }) => ({ ...rule, perUnknownIP: perUnknownIP ?? rule.perIP * 10 }))
      .prefault({}),
    organizationAccess: z
      .custom<OrganizationAccess>((value) => typeof value === "function", "must be a function")
      .optional(),
  })
  .refine((options) => !options.table || tableDialect(options.table) === databaseDialect(options.db), {
    path: ["table"],
    message: "must be a table of the database's dialect (sqliteTable on libSQL, pgTable on PostgreSQL)",
  })
  .refine((options) => Boolean(options.endpoint || options.accountId), {
    path: ["accountId"],
    message: "missing: pass accountId or set R2_ACCOUNT_ID (or pass endpoint or set R2_ENDPOINT)",
    // Checked even when other options failed, so one ConfigError lists every problem.
    when: (payload) => typeof payload.value === "object" && payload.value !== null,
  });

/** @internal Options after validation and defaults. */
export type ResolvedUploadsOptions = z.output<typeof uploadsOptionsSchema>;

/** A policy as `createUploads` uses it: validated, content types lower-cased, prefix filled in. */
export interface ResolvedUploadPolicy {
  /** The policy's name, the key it was given under. */
  name: string;
  /** Accepted content types, exact or `type/*`, lower case. */
  contentTypes: readonly string[];
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** First segment(s) of every key: the configured `prefix`, else the lower-cased name. */
  prefix: string;
}

/**
 * @internal Options as given, with credentials taken from the environment where not given.
 * Anything but an object is passed on as it is, for the schema to refuse with a ConfigError.
 */
export function withEnvironment(options: UploadsOptions, env: Record<string, string | undefined>): unknown {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return options;
  const pick = (given: string | undefined, variable: string): string | undefined => given || env[variable] || undefined;
  return {
    ...options,
    accountId: pick(options.accountId, "R2_ACCOUNT_ID"),
    accessKeyId: pick(options.accessKeyId, "R2_ACCESS_KEY_ID"),
    secretAccessKey: pick(options.secretAccessKey, "R2_SECRET_ACCESS_KEY"),
    bucket: pick(options.bucket, "R2_BUCKET"),
    endpoint: pick(options.endpoint, "R2_ENDPOINT"),
  };
}

import * as z from "zod";
import { ConfigError } from "../shared/errors.js";
import { parseOptions } from "../shared/validate.js";

/** A bucket CORS rule in the S3 `PutBucketCors` shape, which the R2 dashboard also accepts as JSON. */
export interface CorsRule {
  AllowedOrigins: string[];
  AllowedMethods: ("GET" | "PUT" | "HEAD")[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds: number;
}

/** Options of {@link r2CorsRule}. */
export interface CorsRuleOptions {
  /**
   * How long browsers may cache a preflight answer, in seconds (R2 allows up to 86400).
   * @default 3600
   */
  maxAgeSeconds?: number;
}

/** @internal An origin as browsers send it in `Origin`: scheme, host and port only. */
export const originSchema: z.ZodType<string> = z.string().refine((origin) => {
  try {
    const url = new URL(origin);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === origin;
  } catch {
    return false;
  }
}, 'must be an origin such as "https://app.example.com" (scheme, host and port, no path or trailing slash)');

const corsRuleOptionsSchema = z.object({
  origins: z.array(originSchema).min(1, "must list at least one origin"),
  maxAgeSeconds: z.int().min(0).max(86_400).default(3600),
});

/**
 * The CORS rule a bucket needs for browser uploads and downloads from your app's origins:
 * `PUT`, `GET` and `HEAD`, the signed `content-type` request header, and `ETag` exposed so the
 * browser can read each part's ETag for multipart completion. Apply it once per bucket
 * (R2 dashboard → Settings → CORS policy, or `PutBucketCors`).
 *
 * @example
 * const rule = r2CorsRule(["https://app.example.com"])
 * // R2 dashboard: paste JSON.stringify([rule]); S3 API: CORSConfiguration: { CORSRules: [rule] }
 */
export function r2CorsRule(origins: readonly string[], options: CorsRuleOptions = {}): CorsRule {
  // Checked before spreading: a string or an array would spread into keys the schema ignores.
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    const message = "must be an object such as { maxAgeSeconds: 3600 }";
    throw new ConfigError(`r2CorsRule: invalid options: options: ${message}`, {
      issues: [{ path: "options", message }],
    });
  }
  const parsed = parseOptions(corsRuleOptionsSchema, { origins, ...options }, "r2CorsRule");
  return {
    AllowedOrigins: parsed.origins,
    AllowedMethods: ["PUT", "GET", "HEAD"],
    // Written out rather than "*": the browser sends only the signed Content-Type.
    AllowedHeaders: ["content-type"],
    ExposeHeaders: ["ETag"],
    MaxAgeSeconds: parsed.maxAgeSeconds,
  };
}

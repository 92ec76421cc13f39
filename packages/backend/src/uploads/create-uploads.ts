import { env } from "../shared/env.js";
import { parseInput, parseOptions } from "../shared/validate.js";
import type { UploadsContext } from "./context.js";
import { deletion } from "./deletion.js";
import { downloads } from "./downloads.js";
import { createUploadLimit } from "./limits.js";
import { listing } from "./listing.js";
import { multipart } from "./multipart.js";
import { type UploadsOptions, uploadsOptionsSchema, withEnvironment } from "./options.js";
import { resolvePolicies } from "./policies.js";
import { createR2Client, lazyR2Client } from "./r2-client.js";
import { createRecords } from "./records.js";
import { keySchema } from "./schemas.js";
import { signingWindow } from "./signing.js";
import { singlePut } from "./single-put.js";
import type { Uploads } from "./types.js";

/**
 * Presigned uploads to Cloudflare R2 (or any S3-compatible store), tracked in the `uploads`
 * table: sign a PUT bound to type, size and owner, verify the object after upload, then sign
 * downloads. Options are validated once; a problem throws one `ConfigError` listing all of them.
 * The credentials (`R2_*`) are checked when storage is first used: a missing one makes that call
 * reject with a `ConfigError` naming the variable, and nothing fails at import or in `next build`.
 *
 * @example
 * const uploads = createUploads({ db }) // R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_BUCKET
 * const { url, headers, key } = await uploads.createUploadURL({ policy: "avatar", filename, contentType, size, ownerId, ip })
 * // browser: await fetch(url, { method: "PUT", headers, body: file })
 * const record = await uploads.completeUpload({ key, ownerId })
 */
export function createUploads(options: UploadsOptions): Uploads {
  // 1. Options, validated once; the credentials when storage is first used (lazyR2Client), so
  // that a module calling createUploads can be imported by `next build`, which has no R2_*.
  const resolved = parseOptions(
    uploadsOptionsSchema,
    deferCredentials(withEnvironment(options, env.r2())),
    "createUploads",
  );

  // 2. The pieces every flow runs on, built once.
  const publicURL = (key: string): string | null =>
    resolved.publicBaseURL ? `${resolved.publicBaseURL}/${key}` : null;
  const ctx: UploadsContext = {
    r2: lazyR2Client(() => {
      // Now for real, with the environment of the moment (the server's, not the build's).
      const settings = parseOptions(uploadsOptionsSchema, withEnvironment(options, env.r2()), "createUploads");
      return createR2Client({
        endpoint: settings.endpoint ?? `https://${settings.accountId}.r2.cloudflarestorage.com`,
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
        bucket: settings.bucket,
        forcePathStyle: settings.forcePathStyle,
      });
    }),
    records: createRecords(resolved.db, resolved.table, publicURL, resolved.organizationAccess),
    policies: resolvePolicies(resolved.policies),
    multipart: resolved.multipart,
    limit: createUploadLimit(resolved.db, resolved.rateLimit),
    sign: (expiresInSeconds = resolved.expiresInSeconds) => signingWindow(expiresInSeconds),
  };

  // 3. The API: the settings it exposes, then one line per flow (in the order `Uploads` lists them).
  return {
    policies: ctx.policies,
    multipartThreshold: resolved.multipart.threshold,
    publicURL(key) {
      return publicURL(parseInput(keySchema, key, "publicURL"));
    },
    ...singlePut(ctx),
    ...downloads(ctx),
    ...deletion(ctx),
    ...listing(ctx),
    ...multipart(ctx),
  };
}

/** Stands in for a credential that is not set yet, so that creation checks everything else. */
const DEFERRED = "(checked when storage is first used)";

/**
 * The options with every absent credential replaced by {@link DEFERRED}: creation still refuses
 * a bad option, and a credential of the wrong type (a mistake in the code, not a missing
 * variable), but leaves the presence of `R2_*` to the first use of storage.
 */
function deferCredentials(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  const given = input as Record<string, unknown>;
  return {
    ...given,
    accessKeyId: given.accessKeyId ?? DEFERRED,
    secretAccessKey: given.secretAccessKey ?? DEFERRED,
    bucket: given.bucket ?? DEFERRED,
    accountId: given.accountId ?? (given.endpoint ? undefined : DEFERRED),
  };
}

import type { UploadLimit } from "./limits.js";
import type { ResolvedUploadsOptions } from "./options.js";
import type { UploadPolicies } from "./policies.js";
import type { R2Client } from "./r2-client.js";
import type { UploadRecords } from "./records.js";
import type { SigningWindow } from "./signing.js";

/**
 * @internal Everything the upload flows run on, built once by `createUploads`: the storage
 * client, the uploads table, the policies, the multipart settings, the rate limit and the clock
 * URLs are signed by. Flows get this and nothing else, and never import one another.
 */
export interface UploadsContext {
  r2: R2Client;
  records: UploadRecords;
  policies: UploadPolicies;
  multipart: ResolvedUploadsOptions["multipart"];
  /** Counts a signing attempt per user and per IP (`rateLimit`). */
  limit: UploadLimit;
  /** Signing date and expiry for a URL signed now: `expiresInSeconds`, else the factory's. */
  sign(expiresInSeconds?: number): SigningWindow;
}

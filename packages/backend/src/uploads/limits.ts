import { dialectOf, type QueryDatabase } from "../database/dialect.js";
import { rateLimits as postgresRateLimits } from "../database/postgres/tables.js";
import { rateLimits } from "../database/tables.js";
import { createRateLimiter, databaseStore, memoryStore, type RateLimitRuleSettings } from "../shared/rate-limit.js";
import type { ResolvedUploadsOptions, UploadsDatabase } from "./options.js";
import type { CreateUploadData } from "./schemas.js";

/** The limiter bucket every signed upload counts in, single PUT and multipart alike. */
const RATE_LIMIT_BUCKET = "upload";

/**
 * @internal Counts one signing attempt per user and per IP; throws RateLimitError (nothing signed
 * or written yet).
 */
export type UploadLimit = (input: CreateUploadData) => Promise<void>;

/**
 * @internal The `rateLimit` option as a limit: counted in the `rate_limits` table (shared by every
 * instance on the database) or, when asked, in this process's memory.
 */
export function createUploadLimit(db: UploadsDatabase, settings: ResolvedUploadsOptions["rateLimit"]): UploadLimit {
  const dialect = dialectOf(db);
  // The PostgreSQL twin has the same property names and value types (database/postgres/tables.ts).
  const table = dialect.name === "postgres" ? (postgresRateLimits as unknown as typeof rateLimits) : rateLimits;
  const limiter = createRateLimiter(
    settings.storage === "memory" ? memoryStore() : databaseStore(db as QueryDatabase, table, dialect),
    {
      enabled: settings.enabled,
    },
  );
  const rule: RateLimitRuleSettings = {
    window: settings.window,
    perIP: settings.perIP,
    perAccount: settings.perUser,
    perUnknownIP: settings.perUnknownIP,
  };
  return (input) => limiter.enforce(RATE_LIMIT_BUCKET, rule, { ip: input.ip ?? null, account: input.ownerId });
}

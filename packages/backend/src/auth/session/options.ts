import * as z from "zod";
import { secondsSchema as seconds } from "../../shared/schemas.js";

/** Seven days: how long a session lives without activity. */
export const DEFAULT_SESSION_MAX_AGE = 7 * 24 * 60 * 60;
/** One day: how often an active session's expiry is pushed forward (one write per day at most). */
export const DEFAULT_SESSION_UPDATE_AGE = 24 * 60 * 60;
/** Ten minutes: how recent a sign-in must be for changing a password or email, or deleting the account. */
export const DEFAULT_FRESH_AGE = 10 * 60;
/** Browsers cap cookie lifetimes at 400 days, so a longer session could never be kept. */
const MAX_SESSION_AGE = 400 * 24 * 60 * 60;

/** Session lifetime and storage. */
export interface SessionOptions {
  /**
   * `"database"`: every sign-in (credentials included) is a row in `sessions`, resolved on each
   * request and revocable at once. `"jwt"`: an encrypted cookie, no row and no lookup, but
   * sign-out and revocation cannot end a stolen cookie before it expires.
   * @default "database"
   */
  strategy?: "database" | "jwt";
  /**
   * Seconds a session lives without activity.
   * @default 604800 (7 days)
   */
  maxAge?: number;
  /**
   * Seconds after which an active session's expiry is pushed forward again; shorter than `maxAge`.
   * `0` writes on every request.
   * @default 86400 (1 day)
   */
  updateAge?: number;
  /**
   * Seconds since sign-in within which a session counts as fresh: `changePassword`,
   * `requestEmailChange` and `deleteAccount` refuse older sessions (`SESSION_STALE`), and it is
   * `requireFreshSession()`'s default. `0` means "just signed in" is never enough: only for tests.
   * @default 600 (10 minutes)
   */
  freshAge?: number;
}

/** @internal Validation of {@link SessionOptions}. */
export const sessionOptionsSchema = z
  .strictObject({
    strategy: z.enum(["database", "jwt"]).default("database"),
    maxAge: seconds(60, MAX_SESSION_AGE, DEFAULT_SESSION_MAX_AGE),
    updateAge: seconds(0, MAX_SESSION_AGE, DEFAULT_SESSION_UPDATE_AGE),
    freshAge: seconds(0, MAX_SESSION_AGE, DEFAULT_FRESH_AGE),
  })
  .refine((session) => session.updateAge < session.maxAge, {
    error: "updateAge must be shorter than maxAge",
    path: ["updateAge"],
  })
  .prefault({});

/** @internal {@link SessionOptions} with every default filled in. */
export type SessionSettings = z.output<typeof sessionOptionsSchema>;

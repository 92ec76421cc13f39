import * as z from "zod";
import { assertArgument } from "../../shared/arguments.js";
import { isWellFormed } from "../../shared/text.js";

/** Longest raw email input looked at; anything longer is rejected before any work is done on it. */
const MAX_RAW_EMAIL = 320;

/**
 * The one email normalisation of `/auth`, used wherever an email is stored or looked up
 * (registration, credentials sign-in, and the adapter's `createUser`/`getUserByEmail`/`updateUser`
 * for OAuth and email sign-in): NFKC, trimmed, lower-cased. SQLite's `=` is case-sensitive, so
 * skipping this anywhere would let `Ann@x.io` and `ann@x.io` become two users.
 *
 * @example
 * normalizeEmail("  Ann@Example.COM ") // "ann@example.com"
 */
export function normalizeEmail(email: string): string {
  assertArgument(typeof email === "string", "normalizeEmail", "email", "a string");
  return email.normalize("NFKC").trim().toLowerCase();
}

/** @internal A normalised, syntactically valid email (at most 254 characters). */
export const emailSchema: z.ZodType<string, unknown> = z
  .string({ error: "must be a string" })
  .max(MAX_RAW_EMAIL, { error: "is too long" })
  .refine(isWellFormed, { error: "contains invalid characters", abort: true })
  .transform(normalizeEmail)
  .pipe(z.email({ error: "must be an email address" }).max(254, { error: "is too long" }));

/** @internal The normalised email, or null when `value` is not a usable email. */
export function parseEmail(value: unknown): string | null {
  const result = emailSchema.safeParse(value);
  return result.success ? result.data : null;
}

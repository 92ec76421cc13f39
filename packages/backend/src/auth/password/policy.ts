import * as z from "zod";
import { codePointLength, isWellFormed } from "../../shared/text.js";

/** Length limits of new passwords, counted in Unicode code points after NFKC. */
export interface PasswordPolicy {
  /**
   * Shortest password accepted at registration (at least 8). Not applied at sign-in, so raising it
   * does not lock out existing users.
   * @default 8
   */
  minLength: number;
  /**
   * Longest password accepted anywhere, which bounds the work done per attempt.
   * @default 128
   */
  maxLength: number;
}

/**
 * @internal The zod schema of a new password: a well-formed string within the policy. Rejects
 * oversized input before normalising it (NFKC of a megabyte is not free).
 */
export function newPasswordSchema(policy: PasswordPolicy): z.ZodType<string, unknown> {
  return z
    .string({ error: "must be a string" })
    .max(policy.maxLength * 4, { error: `must be at most ${policy.maxLength} characters` })
    .refine(isWellFormed, { error: "contains invalid characters", abort: true })
    .transform((value) => value.normalize("NFKC"))
    .refine((value) => codePointLength(value) >= policy.minLength, {
      error: `must be at least ${policy.minLength} characters`,
    })
    .refine((value) => codePointLength(value) <= policy.maxLength, {
      error: `must be at most ${policy.maxLength} characters`,
    });
}

/** @internal The password as sign-in will hash it, or null when no stored hash could match it. */
export function parseSignInPassword(value: unknown, policy: PasswordPolicy): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > policy.maxLength * 4) return null;
  if (!isWellFormed(value)) return null;
  const normalized = value.normalize("NFKC");
  return codePointLength(normalized) <= policy.maxLength ? normalized : null;
}

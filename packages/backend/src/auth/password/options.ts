import * as z from "zod";
import { env } from "../../shared/env.js";
import { meetsOWASPParams, SCRYPT_BOUNDS, scryptParamsProblem } from "./bounds.js";
import type { ScryptParams } from "./hash.js";
import type { PasswordPolicy } from "./policy.js";

/** Password hashing and policy. */
export interface PasswordOptions extends Partial<PasswordPolicy> {
  /**
   * scrypt cost. Below OWASP's minimum is refused in production; stored hashes weaker than this
   * are rehashed at the next successful sign-in.
   * @default `{ ln: 17, r: 8, p: 1, keyLength: 32, saltLength: 16 }`
   */
  scrypt?: Partial<ScryptParams>;
}

const bounded = ([min, max]: readonly [number, number], fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);
const scryptSchema = z
  .strictObject({
    ln: bounded(SCRYPT_BOUNDS.ln, 17),
    r: bounded(SCRYPT_BOUNDS.r, 8),
    p: bounded(SCRYPT_BOUNDS.p, 1),
    keyLength: bounded(SCRYPT_BOUNDS.keyLength, 32),
    saltLength: bounded(SCRYPT_BOUNDS.saltLength, 16),
  })
  .superRefine((params, ctx) => {
    const problem = scryptParamsProblem(params);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** @internal Validation of {@link PasswordOptions}. */
export const passwordOptionsSchema = z
  .strictObject({
    minLength: z.number().int().min(8).max(1024).default(8),
    maxLength: z.number().int().min(8).max(1024).default(128),
    scrypt: scryptSchema.prefault({}),
  })
  .refine((password) => password.minLength <= password.maxLength, {
    error: "minLength must not exceed maxLength",
    path: ["minLength"],
  })
  .refine((password) => !env.isProduction() || meetsOWASPParams(password.scrypt), {
    error: "scrypt parameters are below OWASP's minimum (ln=17, r=8, p=1 or an equivalent) in production",
    path: ["scrypt"],
  })
  .prefault({});

/** @internal {@link PasswordOptions} with every default filled in. */
export type PasswordSettings = z.output<typeof passwordOptionsSchema>;

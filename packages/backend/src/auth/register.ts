import * as z from "zod";
import { toConflictError } from "../database/errors.js";
import { ConflictError, isTetrastackError } from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import { uuidv7 } from "../utils/uuidv7.js";
import { CREDENTIALS_PROVIDER_ID } from "./auth-config.js";
import { emailSchema } from "./email.js";
import type { AuthDatabase, AuthTables } from "./options.js";
import { hashPassword, newPasswordSchema, type PasswordPolicy, type ScryptParams } from "./password.js";
import type { Limiter, RateLimitRuleSettings } from "./rate-limit.js";
import { isWellFormed } from "./text.js";

/** Input of `registerUser`: a plain object or the `FormData` of a sign-up form. */
export interface RegisterUserInput {
  /** Trimmed and lower-cased (NFKC) before it is stored. */
  email: string;
  /** Checked against the password policy, then hashed; never stored in clear. */
  password: string;
  /** Display name, trimmed; up to 100 characters. */
  name?: string | null;
}

/** Options of one `registerUser` call. */
export interface RegisterUserOptions {
  /**
   * The client address for the per-IP limit.
   * @default read from the request headers (`next/headers`) when called inside a request
   */
  ip?: string | null;
}

/** The user `registerUser` created. */
export interface RegisteredUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * What `registerUser` resolves: the new user, or `{ user: null }` when `registration.enumerationSafe`
 * is on and the email was taken (otherwise that case throws `ConflictError`).
 */
export type RegisterResult = { user: RegisteredUser } | { user: null };

/** @internal The registration schema for a password policy. */
export function registerInputSchema(policy: PasswordPolicy) {
  return z.object({
    email: emailSchema,
    password: newPasswordSchema(policy),
    name: z
      .string({ error: "must be a string" })
      .max(400, { error: "must be at most 100 characters" })
      .refine(isWellFormed, { error: "contains invalid characters", abort: true })
      .transform((name) => name.normalize("NFC").trim())
      .pipe(z.string().max(100, { error: "must be at most 100 characters" }))
      .transform((name) => name || null)
      .nullish()
      .transform((name) => name ?? null),
  });
}

/** @internal What registration needs. */
export interface RegisterDeps {
  db: AuthDatabase;
  tables: Pick<AuthTables, "users" | "accounts">;
  limiter: Limiter;
  rule: RateLimitRuleSettings;
  policy: PasswordPolicy;
  scrypt: ScryptParams;
  enumerationSafe: boolean;
  onExistingEmail: ((params: { email: string }) => void | Promise<void>) | undefined;
  /** Runs after the user is created (the verification mail); awaited unless enumeration-safe. */
  afterRegister?: ((user: RegisteredUser) => Promise<void>) | undefined;
  logger: { warn: (message: string, error: unknown) => void };
}

/**
 * @internal Creates a user and their credentials account in one batch (one transaction): both or
 * neither. The unique index on lower(email) decides races, so concurrent registrations of one
 * email create exactly one user and the others get a ConflictError.
 */
export function createRegisterUser(
  deps: RegisterDeps,
): (input: RegisterUserInput | FormData, options: { ip: string | null }) => Promise<RegisterResult> {
  const schema = registerInputSchema(deps.policy);
  const { db, tables } = deps;
  return async function registerUser(input, options) {
    const raw = input instanceof FormData ? Object.fromEntries(input) : input;
    const { email, password, name } = parseInput(schema, raw, "registerUser");
    await deps.limiter.enforce("register", deps.rule, { ip: options.ip, account: email });

    const passwordHash = await hashPassword(password, deps.scrypt);
    const id = uuidv7();
    try {
      await db.batch([
        db.insert(tables.users).values({ id, email, name }),
        db.insert(tables.accounts).values({
          userId: id,
          type: "credentials",
          provider: CREDENTIALS_PROVIDER_ID,
          providerAccountId: id,
          passwordHash,
        }),
      ]);
    } catch (error) {
      const converted = toConflictError(error);
      if (!isTetrastackError(converted, "CONFLICT")) throw error;
      if (deps.enumerationSafe) {
        if (deps.onExistingEmail) {
          // Not awaited: mailing the owner must not make this answer slower than a real sign-up.
          void Promise.resolve()
            .then(() => deps.onExistingEmail?.({ email }))
            .catch((hookError: unknown) => deps.logger.warn("registration.onExistingEmail failed", hookError));
        }
        return { user: null };
      }
      throw new ConflictError("An account with this email already exists.", {
        cause: error,
        target: { table: "users", columns: ["email"] },
      });
    }
    const user = { id, email, name };
    if (deps.afterRegister) {
      const after = deps.afterRegister(user).catch((error: unknown) => {
        // The account exists either way; the user can ask for the mail again.
        deps.logger.warn("could not send the verification email after registration", error);
      });
      // Enumeration-safe: a taken email answers without mailing, so a new one must not wait for it.
      if (!deps.enumerationSafe) await after;
    }
    return { user };
  };
}

import * as z from "zod";
import { toConflictError } from "../../database/errors.js";
import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { ConflictError, isTetrastackError } from "../../shared/errors.js";
import { fnSchema as fn } from "../../shared/schemas.js";
import { isWellFormed } from "../../shared/text.js";
import { parseInput } from "../../shared/validate.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { hashPassword } from "../password/hash.js";
import { newPasswordSchema } from "../password/policy.js";

/** Registration behaviour. */
export interface RegistrationOptions {
  /**
   * When true, `registerUser` with an email that is taken resolves `{ user: null }` after the
   * same work as a real registration, instead of throwing `ConflictError`. Show one message for
   * both ("check your inbox") and do not sign in after registering.
   * @default false
   */
  enumerationSafe?: boolean;
  /**
   * Called (not awaited) when an enumeration-safe registration hits a taken email, e.g. to mail
   * the owner "someone tried to sign up with your address".
   * @default undefined
   */
  onExistingEmail?: (params: { email: string }) => void | Promise<void>;
}

/** Input of `registerUser`: a plain object or the `FormData` of a sign-up form. */
export interface RegisterUserInput {
  /** Trimmed and lower-cased (NFKC) before it is stored. */
  email: string;
  /** Checked against the password policy, then hashed; never stored in clear. */
  password: string;
  /** Display name, trimmed; up to 100 characters. */
  name?: string | null;
  /** Avatar URL (http or https), up to 2048 characters. */
  image?: string | null;
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
export function registerInputSchema(policy: { minLength: number; maxLength: number }) {
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
    image: z
      .string({ error: "must be a string" })
      .max(2048, { error: "must be at most 2048 characters" })
      .transform((image) => image.trim() || null)
      .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).nullable())
      .nullish()
      .transform((image) => image ?? null),
  });
}

/** @internal Validation of {@link RegistrationOptions}. */
export const registrationOptionsSchema = z
  .strictObject({
    enumerationSafe: z.boolean().default(false),
    onExistingEmail: fn<NonNullable<RegistrationOptions["onExistingEmail"]>>().optional(),
  })
  .prefault({});

/** @internal {@link RegistrationOptions} with every default filled in. */
export type RegistrationSettings = z.output<typeof registrationOptionsSchema>;

/** What `createAuth` adds for registration. */
export interface RegistrationMethods {
  /**
   * Creates a user with an email and password. Throws `ValidationError` (400), `ConflictError`
   * (409, email taken; or `{ user: null }` when enumeration-safe) or `RateLimitError` (429).
   */
  registerUser(input: RegisterUserInput | FormData, options?: RegisterUserOptions): Promise<RegisterResult>;
}

/**
 * @internal Creates a user and their credentials account in one round trip: both or neither. The unique index on lower(email) decides races, so concurrent registrations of one
 * email create exactly one user and the others get a ConflictError. Listeners of
 * `hooks.userRegistered` (the verification mail) run after; awaited unless enumeration-safe.
 */
export function registration(ctx: AuthContext, settings: RegistrationSettings): RegistrationMethods {
  const schema = registerInputSchema(ctx.settings.password);
  const { db, tables } = ctx;
  return {
    async registerUser(input, options) {
      assertArgument(isOptionalObject(options), "registerUser", "options", "an object");
      const raw = input instanceof FormData ? Object.fromEntries(input) : input;
      const { email, password, name, image } = parseInput(schema, raw, "registerUser");
      const ip = options?.ip !== undefined ? options.ip : await ctx.caller.ip();
      await ctx.limiter.enforce("register", ctx.settings.rateLimit.register, { ip, account: email });

      const passwordHash = await hashPassword(password, ctx.settings.password.scrypt);
      const id = uuidv7();
      try {
        // Both or neither, in one round trip (libSQL: one batch; PostgreSQL: one statement, whose
        // foreign keys are checked at its end).
        await ctx.dialect.withWrites(
          db,
          (q) => [ctx.credentials.set(q, id, passwordHash)],
          (q) => q.insert(tables.users).values({ id, email, name, image }),
          { order: "main-first" },
        );
      } catch (error) {
        const converted = toConflictError(error);
        if (!isTetrastackError(converted, "CONFLICT")) throw error;
        if (settings.enumerationSafe) {
          if (settings.onExistingEmail) {
            // Not awaited: mailing the owner must not make this answer slower than a real sign-up.
            void Promise.resolve()
              .then(() => settings.onExistingEmail?.({ email }))
              .catch((hookError: unknown) => ctx.logger.warn("registration.onExistingEmail failed", hookError));
          }
          return { user: null };
        }
        throw new ConflictError("An account with this email already exists.", {
          cause: error,
          target: { table: "users", columns: ["email"] },
        });
      }
      const user = { id, email, name };
      const listeners = ctx.hooks.userRegistered;
      if (listeners.length > 0) {
        const after = Promise.all(listeners.map((listener) => listener(user))).catch((error: unknown) => {
          // The account exists either way; the user can ask for the mail again.
          ctx.logger.warn("could not send the verification email after registration", error);
        });
        // Enumeration-safe: a taken email answers without mailing, so a new one must not wait for it.
        if (!settings.enumerationSafe) await after;
      }
      return { user };
    },
  };
}

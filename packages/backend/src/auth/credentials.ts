import { and, eq, sql } from "drizzle-orm";
import type { User } from "next-auth";
import { AuthError, CredentialsSignin } from "next-auth";
import {
  AccountLockedError,
  EmailNotVerifiedError,
  InvalidCredentialsError,
  isTetrastackError,
} from "../shared/errors.js";
import { isSecureURL } from "./auth-config.js";
import { credentialsAccountOf } from "./credentials-account.js";
import { parseEmail } from "./email.js";
import type { KnownDevices } from "./known-device.js";
import type { AuthDatabase, AuthTables } from "./options.js";
import {
  burnPasswordHash,
  hashPassword,
  needsRehash,
  type PasswordPolicy,
  parsePasswordHash,
  parseSignInPassword,
  type ScryptParams,
  verifyPassword,
} from "./password.js";
import { verifyUnderLockout } from "./password-attempt.js";
import type { Limiter, RateLimitRuleSettings } from "./rate-limit.js";
import { currentRequestMeta } from "./request-context.js";

/** Why a credentials sign-in failed: the `code` of {@link CredentialsSigninError}, safe to show. */
export type SignInErrorCode = "INVALID_CREDENTIALS" | "ACCOUNT_LOCKED" | "RATE_LIMITED" | "EMAIL_NOT_VERIFIED";

const messages: Record<SignInErrorCode, string> = {
  INVALID_CREDENTIALS: "Invalid email or password",
  ACCOUNT_LOCKED: "Too many failed sign-ins for this account; try again later",
  RATE_LIMITED: "Too many sign-in attempts; try again later",
  EMAIL_NOT_VERIFIED: "Verify your email address before signing in",
};

/**
 * What the credentials provider throws. It is Auth.js's `CredentialsSignin` (so `signIn()` in a
 * server action rethrows it, and the HTTP route redirects with `?error=CredentialsSignin&code=…`),
 * with a stable `code` and, for lockouts and rate limits, `retryAfter` in seconds. The same code
 * and message for a wrong password and an unknown email.
 */
export class CredentialsSigninError extends CredentialsSignin {
  /** Stable and public (it ends up in the URL): map it to a message in your form. */
  override code: SignInErrorCode;
  /** Seconds until another attempt may succeed, for `ACCOUNT_LOCKED` and `RATE_LIMITED`. */
  readonly retryAfter: number | undefined;

  constructor(code: SignInErrorCode, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(messages[code], { cause: options.cause });
    this.code = code;
    this.retryAfter = options.retryAfter;
  }
}

/** A failed sign-in as a form can show it. */
export interface SignInFailure {
  /** One of {@link SignInErrorCode}, or `"AUTH_ERROR"` for any other Auth.js error. */
  code: SignInErrorCode | "AUTH_ERROR";
  /** Seconds to wait, when known. */
  retryAfter?: number;
}

const SIGN_IN_CODES = new Set<string>(["INVALID_CREDENTIALS", "ACCOUNT_LOCKED", "RATE_LIMITED", "EMAIL_NOT_VERIFIED"]);

/**
 * Turns what `signIn("credentials", …)` threw into a form error, or null when it is not a sign-in
 * failure (rethrow those, after `unstable_rethrow`). Matches by Auth.js's `type` as well as by
 * class, so it also works with a second copy of `@auth/core`.
 *
 * @example
 * catch (e) { unstable_rethrow(e); const failure = getSignInError(e); if (failure) return { error: failure.code }; throw e }
 */
export function getSignInError(error: unknown): SignInFailure | null {
  if (typeof error !== "object" || error === null) return null;
  const { type, code, retryAfter } = error as { type?: unknown; code?: unknown; retryAfter?: unknown };
  if (error instanceof CredentialsSignin || type === "CredentialsSignin") {
    return {
      code: typeof code === "string" && SIGN_IN_CODES.has(code) ? (code as SignInErrorCode) : "INVALID_CREDENTIALS",
      ...(typeof retryAfter === "number" && { retryAfter }),
    };
  }
  if (error instanceof AuthError || (error instanceof Error && typeof type === "string" && "kind" in error)) {
    return { code: "AUTH_ERROR" };
  }
  return null;
}

/** @internal What the credentials provider needs. */
export interface AuthorizeDeps {
  db: AuthDatabase;
  tables: Pick<AuthTables, "users" | "accounts">;
  limiter: Limiter;
  rule: RateLimitRuleSettings;
  policy: PasswordPolicy;
  scrypt: ScryptParams;
  clientIP: (headers: Headers) => string;
  /** Known-device cookies (OWASP), unless `lockout.knownDevices` is off or there is no secret. */
  knownDevices: KnownDevices | null;
  /** Refuse a right password until the email is verified (`emailVerification.required`). */
  requireEmailVerification: boolean;
  logger: { warn: (message: string, error?: unknown) => void };
}

/**
 * @internal The credentials provider's `authorize`. Every path that can fail after validation
 * costs one scrypt derivation, and every failure is the same error, so neither the response nor
 * its timing says whether the email exists.
 */
export function createAuthorize(
  deps: AuthorizeDeps,
): (credentials: Partial<Record<string, unknown>>, request: Request) => Promise<User> {
  const { db, tables, limiter } = deps;
  const lookup = db
    .select({ user: tables.users, accountId: tables.accounts.id, passwordHash: tables.accounts.passwordHash })
    .from(tables.users)
    .innerJoin(tables.accounts, credentialsAccountOf(tables.accounts, tables.users.id))
    .where(eq(tables.users.email, sql.placeholder("email")))
    .limit(1)
    .prepare();

  const invalid = (): CredentialsSigninError =>
    new CredentialsSigninError("INVALID_CREDENTIALS", {
      cause: new InvalidCredentialsError("Invalid email or password."),
    });

  return async function authorize(credentials, request) {
    const email = parseEmail(credentials?.email);
    const password = parseSignInPassword(credentials?.password, deps.policy);
    // Malformed input fails before anything is counted or hashed: its shape is no secret, and an
    // attempt that costs us nothing must not spend anyone's budget (10 empty passwords used to
    // lock an account out for five minutes).
    if (!email || password === null) throw invalid();

    const cookieHeader = request.headers.get("cookie");
    const device = deps.knownDevices?.find(cookieHeader, isSecureURL(request.url), email) ?? null;
    try {
      // A known device of this account has a budget of its own and no per-IP count, so nobody
      // else can spend it; everything else shares the account's budget and is counted per IP.
      await limiter.enforce(
        "sign-in",
        deps.rule,
        device
          ? { ip: null, account: `${email}\u0000device\u0000${device}` }
          : { ip: deps.clientIP(request.headers), account: email },
      );
    } catch (error) {
      if (!isTetrastackError(error, "RATE_LIMITED")) throw error;
      throw new CredentialsSigninError("RATE_LIMITED", { retryAfter: error.retryAfter, cause: error });
    }

    const row = await lookup.get({ email });
    const stored = row?.passwordHash;
    if (stored && !parsePasswordHash(stored)) {
      // A corrupt row, or parameters that would make one check throw or cost a gigabyte: counted
      // as a failed sign-in like a wrong password, and said in the log without the hash.
      deps.logger.warn(
        "a stored password hash is malformed or outside the accepted scrypt parameters; the sign-in fails",
      );
    }
    const outcome = await verifyUnderLockout(limiter, { account: email, device }, () =>
      stored ? verifyPassword(password, stored) : burnPasswordHash(password, deps.scrypt),
    );
    if (outcome.status === "locked") {
      throw new CredentialsSigninError("ACCOUNT_LOCKED", {
        retryAfter: outcome.retryAfter,
        cause: new AccountLockedError("Account temporarily locked.", { retryAfter: outcome.retryAfter }),
      });
    }
    if (outcome.status === "invalid" || !row || !stored) throw invalid();
    // Only after the right password: the code tells nobody else that the account exists.
    if (deps.requireEmailVerification && !row.user.emailVerified) {
      throw new CredentialsSigninError("EMAIL_NOT_VERIFIED", {
        cause: new EmailNotVerifiedError("Verify your email address before signing in."),
      });
    }
    // The response marks this browser a known device of the account (see known-device.ts).
    const meta = currentRequestMeta();
    if (meta && deps.knownDevices) meta.knownDeviceFor = email;

    if (needsRehash(stored, deps.scrypt)) {
      try {
        const upgraded = await hashPassword(password, deps.scrypt);
        // Only if the hash is still the one verified: a concurrent password change wins.
        await db
          .update(tables.accounts)
          .set({ passwordHash: upgraded })
          .where(and(eq(tables.accounts.id, row.accountId), eq(tables.accounts.passwordHash, stored)));
      } catch (error) {
        deps.logger.warn("could not upgrade a password hash; keeping the old one", error);
      }
    }
    return row.user as User;
  };
}

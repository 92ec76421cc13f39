import { AuthError, CredentialsSignin, type User } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { SIGN_IN_MESSAGES } from "../../shared/action-error.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import type { PasswordSignIn, SignInErrorCode } from "../password/sign-in.js";
import { credentialFields } from "./edge-config.js";

export type { SignInErrorCode } from "../password/sign-in.js";
/** @internal Re-exported by `/auth` (the one folder that imports next-auth). */
export { AuthError, CredentialsSignin };

// One message per code, shared with toActionError (shared/action-error.ts).
const messages: Record<SignInErrorCode, string> = SIGN_IN_MESSAGES;

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
    // Without the full stop: Auth.js appends ". Read more at https://errors.authjs.dev#…".
    super(messages[code].replace(/\.$/, ""), { cause: options.cause });
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

const SIGN_IN_CODES = new Set<string>(Object.keys(messages));

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

/**
 * @internal The built-in email + password provider (id `"credentials"`): the package's password
 * sign-in, its failures thrown as {@link CredentialsSigninError} so that Auth.js redirects with
 * their code and `signIn()` in a server action rethrows them.
 */
export function credentialsProvider(signInWithPassword: PasswordSignIn) {
  return Credentials({
    id: CREDENTIALS_PROVIDER_ID,
    name: "Email",
    credentials: credentialFields,
    async authorize(credentials, request): Promise<User> {
      const outcome = await signInWithPassword(credentials, request);
      if (outcome.ok) return outcome.user as User;
      throw new CredentialsSigninError(outcome.code, {
        cause: outcome.cause,
        ...(outcome.retryAfter !== undefined && { retryAfter: outcome.retryAfter }),
      });
    },
  });
}

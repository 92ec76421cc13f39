import { type ErrorCode, type ErrorIssue, isTetrastackError } from "./errors.js";

// Server-action errors as data. A Server Action that throws shows a production browser only
// "An error occurred in the Server Components render" (the message is withheld), so an action
// returns its expected failures instead; this is the one mapping, in /utils so that every
// subpath can offer it without loading Auth.js or Next.js.

/** @internal What a refused credentials sign-in says, by the code the provider throws. */
export const SIGN_IN_MESSAGES = {
  INVALID_CREDENTIALS: "Invalid email or password.",
  ACCOUNT_LOCKED: "Too many failed sign-ins for this account; try again later.",
  RATE_LIMITED: "Too many sign-in attempts; try again later.",
  EMAIL_NOT_VERIFIED: "Verify your email address before signing in.",
  DATABASE_BUSY: "The service is busy; try again in a moment.",
} as const satisfies Partial<Record<ErrorCode, string>>;

/**
 * The code of an {@link ActionError}: one of the package's {@link ErrorCode}s, `"AUTH_ERROR"` for
 * an Auth.js error other than a refused sign-in, or `"INTERNAL_ERROR"` for anything else.
 */
export type ActionErrorCode = ErrorCode | "AUTH_ERROR" | "INTERNAL_ERROR";

/** A failure as a Server Action returns it to the form: safe to render, stable to switch on. */
export interface ActionError {
  code: ActionErrorCode;
  /** A sentence for the person at the form. Never a stack, a secret or the raw input. */
  message: string;
  /** Whole seconds to wait, for `RATE_LIMITED`, `ACCOUNT_LOCKED` and `DATABASE_BUSY`. */
  retryAfter?: number;
  /** `VALIDATION_FAILED`: every problem with the field it belongs to. */
  issues?: readonly ErrorIssue[];
}

/** Options of {@link toActionError}. */
export interface ToActionErrorOptions {
  /**
   * Called with an error that is neither the package's nor Auth.js's (a bug, a driver failure),
   * which the result reports only as `INTERNAL_ERROR`, so that it is not lost. (Auth.js's own
   * errors are logged by Auth.js.)
   * @default console.error
   */
  onUnexpected?: (error: unknown) => void;
}

const INTERNAL_MESSAGE = "Something went wrong on our side. Please try again.";
const AUTH_ERROR_MESSAGE = "Signing in failed on our side. Please try again.";

/**
 * Next.js's control flow: `redirect()`, `notFound()`, `forbidden()`, `unauthorized()`, and the
 * signals of dynamic rendering. Matched by their `digest`, as Next's own `unstable_rethrow` does
 * (digests are stable since Next 14; /utils imports nothing of Next), through `cause` too.
 */
function isNextControlFlow(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const digest = (current as { digest?: unknown }).digest;
    if (
      typeof digest === "string" &&
      (digest.startsWith("NEXT_REDIRECT;") ||
        digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;") ||
        digest === "BAILOUT_TO_CLIENT_SIDE_RENDERING" ||
        digest === "DYNAMIC_SERVER_USAGE" ||
        digest === "HANGING_PROMISE_REJECTION" ||
        digest === "NEXT_PRERENDER_INTERRUPTED")
    ) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

function retryAfterOf(error: object): { retryAfter?: number } {
  const { retryAfter } = error as { retryAfter?: unknown };
  return typeof retryAfter === "number" && retryAfter > 0 ? { retryAfter } : {};
}

/**
 * Turns what a Server Action caught into `{ error: { code, message } }`, the shape to return to
 * its form. Next.js's `redirect()`/`notFound()` (and Auth.js's successful `signIn`, which
 * redirects) are rethrown, so call it on anything the action caught. The package's errors keep
 * their code, message, `retryAfter` and `issues`; a refused `signIn("credentials", …)` becomes
 * its code (`INVALID_CREDENTIALS`, `ACCOUNT_LOCKED`…); any other Auth.js error `AUTH_ERROR`;
 * anything else `INTERNAL_ERROR` with a generic message (the error itself goes to
 * `onUnexpected`, never to the browser).
 *
 * @example
 * try { await registerUser(formData) } catch (e) { return toActionError(e) }
 */
export function toActionError(error: unknown, options?: ToActionErrorOptions): { error: ActionError } {
  if (isNextControlFlow(error)) throw error;
  if (isTetrastackError(error)) {
    if (isTetrastackError(error, "VALIDATION_FAILED") && error.issues.length > 0) {
      // The issues without the "registerUser: " prefix, which names the function for developers.
      const message = error.issues.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join("; ");
      return { error: { code: error.code, message, issues: error.issues } };
    }
    return { error: { code: error.code, message: error.message, ...retryAfterOf(error) } };
  }
  if (typeof error === "object" && error !== null) {
    // Auth.js errors by their `type`, which survives a second copy of @auth/core (as getSignInError).
    const { type, code } = error as { type?: unknown; code?: unknown };
    if (type === "CredentialsSignin") {
      const known = typeof code === "string" && Object.hasOwn(SIGN_IN_MESSAGES, code);
      const signInCode = known ? (code as keyof typeof SIGN_IN_MESSAGES) : "INVALID_CREDENTIALS";
      return { error: { code: signInCode, message: SIGN_IN_MESSAGES[signInCode], ...retryAfterOf(error) } };
    }
    // Auth.js has logged it already (its logger sees every error its handlers throw).
    if (error instanceof Error && typeof type === "string" && "kind" in error) {
      return { error: { code: "AUTH_ERROR", message: AUTH_ERROR_MESSAGE } };
    }
  }
  (options?.onUnexpected ?? console.error)(error);
  return { error: { code: "INTERNAL_ERROR", message: INTERNAL_MESSAGE } };
}

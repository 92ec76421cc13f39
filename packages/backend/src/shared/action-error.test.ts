import { notFound, redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { describe, expect, it, vi } from "vitest";
import { toActionError } from "./action-error.js";
import {
  AccountLockedError,
  ConfigError,
  RateLimitError,
  TokenError,
  UntrustedHostError,
  UploadError,
  ValidationError,
} from "./errors.js";

/** What `fn` threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}

describe("toActionError", () => {
  it("rethrows Next's redirect() and notFound(), also when they are the cause of another error", () => {
    const redirected = thrown(() => redirect("/dashboard"));
    const missing = thrown(() => notFound());
    expect(() => toActionError(redirected)).toThrow(redirected as Error);
    expect(() => toActionError(missing)).toThrow(missing as Error);
    const wrapped = new Error("wrapped", { cause: redirected });
    expect(() => toActionError(wrapped)).toThrow(wrapped);
    // The signals of dynamic rendering, by the digest Next gives them.
    const hanging = Object.assign(new Error("During prerendering…"), { digest: "HANGING_PROMISE_REJECTION" });
    expect(() => toActionError(hanging)).toThrow(hanging);
  });

  it("keeps a package error's code, message and retryAfter", () => {
    expect(toActionError(new RateLimitError("Too many attempts.", { retryAfter: 12.2 }))).toEqual({
      error: { code: "RATE_LIMITED", message: "Too many attempts.", retryAfter: 13 },
    });
    expect(toActionError(new AccountLockedError("Locked.", { retryAfter: 30 })).error.retryAfter).toBe(30);
    expect(toActionError(new TokenError("This link has expired.", { code: "TOKEN_EXPIRED" }))).toEqual({
      error: { code: "TOKEN_EXPIRED", message: "This link has expired." },
    });
    expect(toActionError(new UploadError("Too large.", { code: "UPLOAD_TOO_LARGE" })).error.code).toBe(
      "UPLOAD_TOO_LARGE",
    );
    expect(toActionError(new UntrustedHostError("Set AUTH_URL.")).error).toEqual({
      code: "UNTRUSTED_HOST",
      message: "Set AUTH_URL.",
    });
    expect(toActionError(new ConfigError("createUploads: R2_BUCKET is missing")).error.code).toBe("CONFIG_INVALID");
  });

  it("gives a ValidationError's issues, and a message without the function's name", () => {
    const issues = [
      { path: "email", message: "must be an email address" },
      { path: "password", message: "must be at least 8 characters" },
    ];
    const error = new ValidationError("registerUser: email: must be an email address; password: …", { issues });
    expect(toActionError(error)).toEqual({
      error: {
        code: "VALIDATION_FAILED",
        message: "email: must be an email address; password: must be at least 8 characters",
        issues,
      },
    });
  });

  it("turns a refused signIn into its sign-in code and message, and other Auth.js errors into AUTH_ERROR", () => {
    // What /auth's provider throws: Auth.js's class with the package's code (test/auth-server-action.test.ts runs the real one).
    const locked = Object.assign(new CredentialsSignin(), { code: "ACCOUNT_LOCKED", retryAfter: 60 });
    expect(toActionError(locked)).toEqual({
      error: {
        code: "ACCOUNT_LOCKED",
        message: "Too many failed sign-ins for this account; try again later.",
        retryAfter: 60,
      },
    });
    // Auth.js's own CredentialsSignin (code "credentials"): a wrong password, as far as anyone may know.
    expect(toActionError(new CredentialsSignin()).error).toEqual({
      code: "INVALID_CREDENTIALS",
      message: "Invalid email or password.",
    });
    const onUnexpected = vi.fn();
    expect(toActionError(new AuthError("boom"), { onUnexpected }).error).toEqual({
      code: "AUTH_ERROR",
      message: "Signing in failed on our side. Please try again.",
    });
    expect(onUnexpected).not.toHaveBeenCalled();
  });

  it("reports anything else as INTERNAL_ERROR without its message, and hands it to onUnexpected", () => {
    const onUnexpected = vi.fn();
    const bug = new TypeError("Cannot read properties of undefined (reading 'secret_column')");
    const result = toActionError(bug, { onUnexpected });
    expect(result).toEqual({
      error: { code: "INTERNAL_ERROR", message: "Something went wrong on our side. Please try again." },
    });
    expect(JSON.stringify(result)).not.toContain("secret_column");
    expect(onUnexpected).toHaveBeenCalledWith(bug);
    expect(toActionError("a string", { onUnexpected }).error.code).toBe("INTERNAL_ERROR");
    expect(toActionError(null, { onUnexpected }).error.code).toBe("INTERNAL_ERROR");
  });
});

// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
/**
 * Every public function of `/auth`, and every method `createAuth` returns, called with
 * wrong-typed arguments: each returns its documented result or throws a typed error of the package
 * (a `ValidationError`/`ConfigError`, or the flow's own refusal such as `TOKEN_INVALID` or
 * `UNAUTHORIZED`) that does not repeat the input. Before the fix, `listSessions(123)` threw a
 * `DrizzleQueryError` listing its parameters, and `normalizeEmail(42)`, `sessionCookieName(1, null)`,
 * `hashSessionToken(42)` or `createDevMailbox(null)` threw raw `TypeError`s.
 * @see issue 10, finding 14
 */
import { afterAll, describe, expect, it } from "vitest";
import * as auth from "../src/auth/index.js";
import { createTestAuth } from "./auth-helpers.js";
import { action } from "./lifecycle-helpers.js";
import { type ArgumentCase, runArgumentCases } from "./wrong-arguments.js";

const t = await createTestAuth({
  sendEmail: () => undefined,
  emailSignIn: { enabled: true },
  rateLimit: { enabled: false },
  accessTokens: {},
  refreshTokens: {},
});
afterAll(() => t.cleanup());

const a = auth as unknown as Record<string, (...args: unknown[]) => unknown>;
const m = t.auth as unknown as Record<string, (...args: unknown[]) => unknown>;
/** A method of the auth instance, called as a Server Action of an anonymous visitor. */
const method =
  (name: string, args: (value: unknown) => unknown[]) =>
  (value: unknown): Promise<unknown> =>
    action(null, async () => m[name]?.(...args(value)));
const isOptions = (value: unknown): boolean =>
  value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value));
const isBoolean = (value: unknown): boolean => typeof value === "boolean";

const cases: ArgumentCase[] = [
  // Factories and standalone helpers.
  { name: "createAuth(options)", call: (v) => a.createAuth?.(v) },
  { name: "createAuthConfig(options)", call: (v) => a.createAuthConfig?.(v) },
  {
    name: "createDevMailbox(options)",
    call: (v) => a.createDevMailbox?.(v),
    accepts: (v) => v === undefined || isOptions(v),
  },
  { name: "sessionCookieName(secure)", call: (v) => a.sessionCookieName?.(v), accepts: isBoolean },
  { name: "sessionCookieName(true, options)", call: (v) => a.sessionCookieName?.(true, v), accepts: isOptions },
  { name: "hasSessionCookie(request)", call: (v) => a.hasSessionCookie?.(v) },
  {
    name: "hasSessionCookie(request, options)",
    call: (v) => a.hasSessionCookie?.(new Request("http://localhost/"), v),
    accepts: isOptions,
  },
  { name: "normalizeEmail(email)", call: (v) => a.normalizeEmail?.(v), accepts: (v) => typeof v === "string" },
  { name: "hashSessionToken(token)", call: (v) => a.hashSessionToken?.(v), accepts: (v) => typeof v === "string" },
  { name: "generateSessionToken()", call: (v) => a.generateSessionToken?.(v), neverThrows: true },
  {
    name: "hashPassword(password)",
    call: (v) => a.hashPassword?.(v),
    accepts: (v) => v === "" || v === "MARKER-c0ffee",
  },
  { name: "hashPassword(password, params)", call: (v) => a.hashPassword?.("x", v), accepts: (v) => v === undefined },
  { name: "verifyPassword(password, stored)", call: (v) => a.verifyPassword?.(v, v), neverThrows: true },
  {
    name: "needsRehash(stored, params)",
    call: (v) => a.needsRehash?.(v, auth.DEFAULT_SCRYPT_PARAMS),
    neverThrows: true,
  },
  { name: "needsRehash(stored, params)", call: (v) => a.needsRehash?.("x", v) },
  { name: "parsePasswordHash(stored)", call: (v) => a.parsePasswordHash?.(v), neverThrows: true },
  { name: "getSignInError(error)", call: (v) => a.getSignInError?.(v), neverThrows: true },
  { name: "defaultClientIP(headers)", call: (v) => a.defaultClientIP?.(v), neverThrows: true },
  { name: "defaultIsEmailVerified(params)", call: (v) => a.defaultIsEmailVerified?.(v), neverThrows: true },
  { name: "isTetrastackError(error, code)", call: (v) => a.isTetrastackError?.(v, v), neverThrows: true },
  // The instance's methods, as a Server Action calls them.
  { name: "registerUser(input)", call: method("registerUser", (v) => [v]) },
  {
    name: "registerUser(input, options)",
    call: method("registerUser", (v) => [{ email: "args@example.com", password: "long enough password" }, v]),
    // Valid options register the user once; later tries conflict (a typed refusal).
    accepts: isOptions,
  },
  { name: "listSessions(userId)", call: method("listSessions", (v) => [v]), accepts: (v) => v === "MARKER-c0ffee" },
  {
    name: "revokeSession(userId, id)",
    call: method("revokeSession", (v) => [v, "x"]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
  {
    name: "revokeSession(id, sessionId)",
    call: method("revokeSession", (v) => ["x", v]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
  {
    name: "revokeOtherSessions(userId, id)",
    call: method("revokeOtherSessions", (v) => [v, "x"]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
  {
    name: "revokeAllSessions(userId)",
    call: method("revokeAllSessions", (v) => [v]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
  { name: "requestEmailVerification(email)", call: method("requestEmailVerification", (v) => [v]) },
  { name: "verifyEmail(token)", call: method("verifyEmail", (v) => [v]) },
  { name: "verifyEmail(token, options)", call: method("verifyEmail", (v) => ["x".repeat(43), v]) },
  { name: "requestPasswordReset(email)", call: method("requestPasswordReset", (v) => [v]) },
  { name: "resetPassword(token, password)", call: method("resetPassword", (v) => [v, "long enough password"]) },
  { name: "resetPassword(token, password)", call: method("resetPassword", (v) => ["x".repeat(43), v]) },
  { name: "changePassword(current, next)", call: method("changePassword", (v) => [v, v]) },
  { name: "requestEmailChange(email, options)", call: method("requestEmailChange", (v) => [v, v]) },
  { name: "approveEmailChange(token)", call: method("approveEmailChange", (v) => [v]) },
  { name: "confirmEmailChange(token)", call: method("confirmEmailChange", (v) => [v]) },
  { name: "deleteAccount(options)", call: method("deleteAccount", (v) => [v]) },
  { name: "requestAccountDeletion()", call: method("requestAccountDeletion", (v) => [v]) },
  { name: "confirmAccountDeletion(token)", call: method("confirmAccountDeletion", (v) => [v]) },
  { name: "sendSignInLink(email)", call: method("sendSignInLink", (v) => [v]) },
  {
    name: "sendSignInLink(email, options)",
    call: method("sendSignInLink", (v) => ["link@example.com", v]),
    accepts: isOptions,
  },
  { name: "getSessionFromRequest(request)", call: method("getSessionFromRequest", (v) => [v]) },
  { name: "getSessionFromToken(token)", call: method("getSessionFromToken", (v) => [v]), neverThrows: true },
  { name: "getSession()", call: method("getSession", (v) => [v]), neverThrows: true },
  { name: "getClientIP()", call: method("getClientIP", (v) => [v]), neverThrows: true },
  { name: "requireUser(options)", call: method("requireUser", (v) => [v]) },
  { name: "requireFreshSession(maxAge)", call: method("requireFreshSession", (v) => [v]) },
  { name: "prune()", call: method("prune", (v) => [v]), neverThrows: true },
  { name: "getAccessToken(options)", call: method("getAccessToken", (v) => [v]) },
  { name: "verifyAccessToken(token)", call: method("verifyAccessToken", (v) => [v]) },
  { name: "verifyAccessToken(token, options)", call: method("verifyAccessToken", (v) => ["a.b.c", v]) },
  { name: "getJWKS()", call: method("getJWKS", (v) => [v]), neverThrows: true },
  { name: "issueTokenPair(sessionId)", call: method("issueTokenPair", (v) => [v]) },
  { name: "refreshTokenPair(token)", call: method("refreshTokenPair", (v) => [v]) },
  { name: "revokeTokenFamily(token)", call: method("revokeTokenFamily", (v) => [v]), neverThrows: true },
  { name: "createAPIKey(userId, options)", call: method("createAPIKey", (v) => [v, { name: "k" }]) },
  {
    name: "createAPIKey(userId, options)",
    call: method("createAPIKey", (v) => ["00000000-0000-7000-8000-000000000000", v]),
  },
  { name: "verifyAPIKey(requestOrKey)", call: method("verifyAPIKey", (v) => [v]) },
  { name: "verifyAPIKey(key, options)", call: method("verifyAPIKey", (v) => [`tsk_${"A".repeat(43)}`, v]) },
  { name: "listAPIKeys(userId)", call: method("listAPIKeys", (v) => [v]), accepts: (v) => v === "MARKER-c0ffee" },
  {
    name: "revokeAPIKey(userId, keyId)",
    call: method("revokeAPIKey", (v) => [v, "some-id"]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
  {
    name: "revokeAPIKey(userId, keyId)",
    call: method("revokeAPIKey", (v) => ["some-id", v]),
    accepts: (v) => v === "MARKER-c0ffee",
  },
];

describe("public functions of /auth with wrong-typed arguments", () => {
  it("throw only typed errors that do not echo the input, or return their documented result", async () => {
    const report = await runArgumentCases(cases, (error) => auth.isTetrastackError(error));
    console.info(
      `[arguments] /auth: ${report.calls} calls: ${report.untyped.length} untyped throws, ${report.wrong.length} wrong outcomes`,
    );
    expect(report.untyped).toEqual([]);
    expect(report.wrong).toEqual([]);
  });
});

import * as z from "zod";
import type { ErrorCode } from "../../shared/errors.js";
import type { AuthJs } from "../authjs/config.js";
import type { AuthContext } from "../context.js";
import type { AccessTokenMethods } from "../features/access-tokens.js";
import type { AccountDeletionMethods } from "../features/account-deletion.js";
import type { EmailChangeMethods } from "../features/email-change.js";
import type { EmailVerificationMethods } from "../features/email-verification.js";
import type { PasswordChangeMethods } from "../features/password-change.js";
import type { PasswordResetMethods } from "../features/password-reset.js";
import type { RefreshTokenMethods } from "../features/refresh-tokens.js";
import type { RegistrationMethods } from "../features/registration.js";
import type { SessionMethods } from "../features/sessions.js";
import type { APIRequestState, RequestMeta } from "../request/scope.js";
import type { APIBinding } from "./binding.js";
import type { WireCode } from "./http.js";
import type { OriginPolicy } from "./origins.js";

/** @internal One request to an endpoint, its body already read. */
export interface APICall {
  request: Request;
  state: APIRequestState;
  meta: RequestMeta;
  /** The JSON body (`{}` for GET or an empty body). */
  body: Record<string, unknown>;
  query: URLSearchParams;
}

/** @internal What an endpoint answers: JSON (200 unless said), or a redirect. */
export type APIAnswer = { status?: number; body: unknown; headers?: Record<string, string> } | { redirect: string };

/** @internal An endpoint of the JSON API, listed under `"<METHOD> <path>"` (the path after `basePath`). */
export interface Endpoint {
  /** better-auth's codes for this endpoint's errors, where they differ from the defaults (`http.ts`). */
  codes?: Partial<Record<ErrorCode, WireCode>>;
  run(call: APICall): Promise<APIAnswer>;
}

/** @internal The flows the endpoints call: the same methods `createAuth` returns. */
export type APIMethods = SessionMethods &
  RegistrationMethods &
  EmailVerificationMethods &
  PasswordResetMethods &
  PasswordChangeMethods &
  EmailChangeMethods &
  AccountDeletionMethods &
  AccessTokenMethods &
  RefreshTokenMethods;

/** @internal What the endpoints are built on. */
export interface APIDeps {
  ctx: AuthContext;
  methods: APIMethods;
  authjs: Pick<AuthJs, "passwordSignIn" | "credentialsSignedIn" | "signedOut">;
  binding: APIBinding;
  origins: OriginPolicy;
  /** Sign-up does not sign in when either is on (better-auth's `requireEmailVerification`/`autoSignIn: false`). */
  noSignInAfterSignUp: boolean;
  /** Which token options are on: their endpoints answer 404 otherwise. */
  tokens: { access: boolean; refresh: boolean };
}

/** @internal The message of a field that is missing or of the wrong type. */
const typeError = (type: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : `must be a ${type}`;

/** @internal A string field of a body, with zod's messages in the package's words. */
export const text = (max = 4096) => z.string({ error: typeError("string") }).max(max, { error: "is too long" });

/** @internal A password field: its length is the policy's to judge (the body is bounded anyway). */
export const passwordField = z.string({ error: typeError("string") });

/** @internal A boolean field. */
export const flag = z.boolean({ error: typeError("boolean") });

/** @internal An optional URL field (`callbackURL`, `redirectTo`). */
export const optionalURL = text(2048).optional();

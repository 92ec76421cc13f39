import * as z from "zod";
import { parseInput } from "../../shared/validate.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import { parseEmail } from "../accounts/email.js";
import type { APIRequestState, RequestMeta } from "../request/scope.js";
import { storableIP, takeDeferredWrites } from "../request/scope.js";
import { generateSessionToken } from "../session/token.js";
import type { AuthUser } from "../tables.js";
import type { APIDeps, Endpoint } from "./endpoint.js";
import { flag, optionalURL, passwordField, text } from "./endpoint.js";
import { APIFailure } from "./http.js";
import { type WireUser, wireUser } from "./shapes.js";
import { notEnabled, type WireTokenPair, wireTokenPair } from "./tokens.js";

// Sign-up, sign-in and sign-out. The password check is the credentials provider's own
// (`password/sign-in.ts`: rate limits, lockout, one hash whatever the outcome), the signIn
// callback and events are Auth.js's composed ones, and the session is a row of the package's
// session store (only the token's hash stored), exactly as a credentials sign-in through Auth.js
// leaves it; the token goes back as the session cookie and in `set-auth-token`. With
// `issueTokens: true` (the `refreshTokens` option), the session is reached only through an access
// token and a refresh token instead: no cookie, no `set-auth-token`, `token: null`, so that a
// token client holds nothing long-lived that escapes rotation and reuse detection.

const signUpBody = z.object({
  name: text(400),
  email: text(400),
  password: passwordField,
  image: text(2048).optional(),
  callbackURL: optionalURL,
  rememberMe: flag.optional(),
  issueTokens: flag.optional(),
});
const signInBody = z.object({
  email: text(400),
  password: passwordField,
  callbackURL: optionalURL,
  rememberMe: flag.optional(),
  issueTokens: flag.optional(),
});
const signOutBody = z.object({ refreshToken: text(255).optional() });

/** @internal `POST /sign-up/email`, `POST /sign-in/email`, `POST /sign-out`. */
export function signInEndpoints(deps: APIDeps): Record<string, Endpoint> {
  const { ctx, binding, authjs, methods } = deps;

  /**
   * A new database session for `user`: the row, and either the cookie and the `set-auth-token`
   * header (the session token is returned), or, with `issueTokens`, an access and a refresh token.
   */
  async function startSession(
    state: APIRequestState,
    meta: RequestMeta,
    userId: string,
    options: { remember: boolean; issueTokens: boolean },
  ): Promise<{ token: string | null; tokens?: WireTokenPair }> {
    const token = generateSessionToken();
    const expires = new Date(ctx.now() + ctx.settings.session.maxAge * 1000);
    const row = await ctx.sessions.create(
      { sessionToken: token, userId, expires, ipAddress: storableIP(meta.ip), userAgent: meta.userAgent },
      // The password check's lockout reset rides along with the session row, and so does the audit event.
      takeDeferredWrites(),
      {
        also: (q, session) => [
          ctx.audit.insert(q, {
            action: "user.signed_in",
            actorId: userId,
            userId,
            target: { type: "session", id: session.id },
            details: { provider: "credentials" },
            request: meta,
          }),
        ],
      },
    );
    if (options.issueTokens) return { token: null, tokens: wireTokenPair(await methods.issueTokenPair(row.id)) };
    binding.setSessionCookie(state, token, expires, options.remember);
    state.response.set("set-auth-token", token);
    return { token };
  }

  /** `issueTokens: true` needs refresh tokens; checked before anything is counted or written. */
  function wantsTokens(issueTokens: boolean | undefined): boolean {
    if (issueTokens && !deps.tokens.refresh) throw notEnabled("refreshTokens");
    return issueTokens === true;
  }

  /** Your signIn callback (and the library's), as Auth.js asks it for a credentials sign-in. */
  async function allowed(user: AuthUser): Promise<boolean> {
    return (await authjs.credentialsSignedIn(user)) === true;
  }

  return {
    "POST /sign-up/email": {
      codes: {
        CONFLICT: {
          code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
          status: 422,
          message: "User already exists. Use another email.",
        },
      },
      async run({ body, request, state, meta }) {
        const input = parseInput(signUpBody, body, "sign-up/email");
        deps.origins.checkCallbackURL(input.callbackURL, request);
        if (!authjs.passwordSignIn) throw disabled();
        const issueTokens = wantsTokens(input.issueTokens);
        const result = await deps.methods.registerUser({
          email: input.email,
          password: input.password,
          name: input.name,
          image: input.image ?? null,
        });
        if (!result.user) return { body: { token: null, user: syntheticUser(input) } };
        const user = await ctx.users.byId(result.user.id);
        if (!user) throw new APIFailure(422, "FAILED_TO_CREATE_USER", "Failed to create user");
        if (deps.noSignInAfterSignUp || !(await allowed(user))) return { body: { token: null, user: wireUser(user) } };
        const started = await startSession(state, meta, user.id, { remember: input.rememberMe !== false, issueTokens });
        return { body: { token: started.token, user: wireUser(user), ...started.tokens } };
      },
    },

    "POST /sign-in/email": {
      codes: {
        INVALID_CREDENTIALS: { code: "INVALID_EMAIL_OR_PASSWORD", status: 401, message: "Invalid email or password" },
      },
      async run({ body, request, state, meta }) {
        const input = parseInput(signInBody, body, "sign-in/email");
        const callbackURL = deps.origins.checkCallbackURL(input.callbackURL, request);
        if (!authjs.passwordSignIn) throw disabled();
        const issueTokens = wantsTokens(input.issueTokens);
        // A malformed address is refused before anything is counted: its shape is no secret.
        if (!parseEmail(input.email)) throw new APIFailure(400, "INVALID_EMAIL", "Invalid email");
        const outcome = await authjs.passwordSignIn({ email: input.email, password: input.password }, request);
        if (!outcome.ok) throw outcome.cause;
        if (!(await allowed(outcome.user))) throw new APIFailure(403, "ACCESS_DENIED", "Sign-in was refused");
        const started = await startSession(state, meta, outcome.user.id, {
          remember: input.rememberMe !== false,
          issueTokens,
        });
        return {
          body: {
            redirect: callbackURL !== undefined,
            token: started.token,
            url: callbackURL,
            user: wireUser(outcome.user),
            ...started.tokens,
          },
          ...(callbackURL && { headers: { location: callbackURL } }),
        };
      },
    },

    "POST /sign-out": {
      async run({ state, body }) {
        // Ends the session the request carries (cookie or bearer), if it is one, and the one a
        // token client names by its refresh token; always succeeds.
        const { refreshToken } = parseInput(signOutBody, body, "sign-out");
        if (refreshToken && deps.tokens.refresh) await methods.revokeTokenFamily(refreshToken);
        const row = state.token ? await ctx.sessions.delete(state.token.value) : null;
        binding.clearSessionCookie(state);
        if (row) await authjs.signedOut(row);
        return { body: { success: true } };
      },
    },
  };
}

function disabled(): APIFailure {
  return new APIFailure(400, "EMAIL_PASSWORD_DISABLED", "Email and password is not enabled");
}

/**
 * What an enumeration-safe sign-up answers for a taken address: a user that looks new and was
 * not created, as better-auth answers when sign-up does not sign in.
 */
function syntheticUser(input: { name: string; email: string; image?: string | undefined }): WireUser {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    name: input.name.trim(),
    email: parseEmail(input.email) ?? input.email,
    emailVerified: false,
    image: input.image ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

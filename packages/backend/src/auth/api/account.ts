import * as z from "zod";
import { UnauthorizedError } from "../../shared/errors.js";
import { parseInput } from "../../shared/validate.js";
import type { APIAnswer, APIDeps, Endpoint } from "./endpoint.js";
import { flag, optionalURL, passwordField, text } from "./endpoint.js";
import { APIFailure, failureOf, type WireCode } from "./http.js";
import { wireUser } from "./shapes.js";

// The account flows, under better-auth's paths and body shapes: each endpoint reads its body and
// calls the flow `createAuth` returns (the same limits, tokens and proofs as a Server Action), and
// answers as better-auth does. Where the flow asks for more than better-auth does (the password
// to change the email or delete the account, to verify an address from a browser that is not
// signed in), the body takes it and the flow's error says so.

const token = text(512).min(1, { error: "is required" });

const emailBody = z.object({ email: text(400), callbackURL: optionalURL });
const verifyBody = z.object({ token, password: passwordField.optional() });
const resetRequestBody = z.object({ email: text(400), redirectTo: optionalURL });
const resetBody = z.object({ newPassword: passwordField, token: token.optional() });
const changePasswordBody = z.object({
  newPassword: passwordField,
  currentPassword: passwordField,
  revokeOtherSessions: flag.optional(),
});
const changeEmailBody = z.object({ newEmail: text(400), callbackURL: optionalURL, password: passwordField.optional() });
const tokenBody = z.object({ token });
const deleteBody = z.object({ password: passwordField.optional(), token: token.optional(), callbackURL: optionalURL });

const mailOff = (code: string, message: string): Partial<Record<"MAIL_NOT_CONFIGURED", WireCode>> => ({
  MAIL_NOT_CONFIGURED: { code, status: 400, message },
});

/** Adds `?error=<code>` to a callback URL (relative or absolute), as better-auth's link endpoints do. */
function withError(callbackURL: string, code: string): string {
  const url = new URL(callbackURL, "http://relative.invalid");
  url.searchParams.set("error", code);
  return url.origin === "http://relative.invalid" ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}

/** @internal The verification, password-reset, password-change, email-change and deletion endpoints. */
export function accountEndpoints(deps: APIDeps): Record<string, Endpoint> {
  const { ctx, methods, origins } = deps;

  /**
   * A link opened in a browser (`GET` with `callbackURL`): the answer is a redirect there, with
   * `?error=<code>` when the flow refused. Without `callbackURL`, JSON.
   */
  async function linkAnswer(
    callbackURL: string | undefined,
    codes: Endpoint["codes"],
    run: () => Promise<APIAnswer>,
  ): Promise<APIAnswer> {
    if (!callbackURL) return run();
    try {
      await run();
      return { redirect: callbackURL };
    } catch (error) {
      const failure = failureOf(error, codes);
      if (failure.unexpected) throw error;
      return { redirect: withError(callbackURL, failure.body.code) };
    }
  }

  const signedInUser = async () => {
    const { session } = await ctx.caller.signedIn("any");
    const user = await ctx.users.byId(session.userId);
    if (!user) throw new UnauthorizedError("Sign in to continue.");
    return user;
  };

  const deletion: Endpoint["codes"] = mailOff("MAIL_NOT_CONFIGURED", "This server sends no mail: send the password");

  return {
    "POST /send-verification-email": {
      codes: mailOff("VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled"),
      async run({ body, request }) {
        const input = parseInput(emailBody, body, "send-verification-email");
        origins.checkCallbackURL(input.callbackURL, request);
        await methods.requestEmailVerification(input.email);
        return { body: { status: true } };
      },
    },

    "GET /verify-email": {
      async run({ query, request }) {
        const callbackURL = origins.checkCallbackURL(query.get("callbackURL") ?? undefined, request);
        return linkAnswer(callbackURL, undefined, async () => {
          const { token: value } = parseInput(tokenBody, { token: query.get("token") ?? "" }, "verify-email");
          await methods.verifyEmail(value);
          return { body: { status: true, user: null } };
        });
      },
    },

    // Not in better-auth: a browser that is not signed in to the account proves it with the
    // password (`REAUTHENTICATION_REQUIRED` from the GET says to).
    "POST /verify-email": {
      async run({ body }) {
        const input = parseInput(verifyBody, body, "verify-email");
        await methods.verifyEmail(input.token, input.password === undefined ? {} : { password: input.password });
        return { body: { status: true, user: null } };
      },
    },

    "POST /request-password-reset": {
      codes: mailOff("RESET_PASSWORD_DISABLED", "Reset password isn't enabled"),
      async run({ body, request }) {
        const input = parseInput(resetRequestBody, body, "request-password-reset");
        origins.checkCallbackURL(input.redirectTo, request, "INVALID_REDIRECT_URL");
        await methods.requestPasswordReset(input.email);
        return {
          body: { status: true, message: "If this email exists in our system, check your email for the reset link" },
        };
      },
    },

    "POST /reset-password": {
      async run({ body, query }) {
        const input = parseInput(resetBody, body, "reset-password");
        const value = input.token ?? query.get("token");
        if (!value) throw new APIFailure(400, "INVALID_TOKEN", "Invalid token");
        await methods.resetPassword(value, input.newPassword);
        return { body: { status: true } };
      },
    },

    "POST /change-password": {
      async run({ body }) {
        const input = parseInput(changePasswordBody, body, "change-password");
        await methods.changePassword(input.currentPassword, input.newPassword);
        // The flow always ends the other sessions and keeps this one: no new token to hand out.
        return { body: { token: null, user: wireUser(await signedInUser()) } };
      },
    },

    "POST /change-email": {
      codes: mailOff("CHANGE_EMAIL_DISABLED", "Change email is disabled"),
      async run({ body, request }) {
        const input = parseInput(changeEmailBody, body, "change-email");
        origins.checkCallbackURL(input.callbackURL, request);
        await methods.requestEmailChange(
          input.newEmail,
          input.password === undefined ? {} : { password: input.password },
        );
        return { body: { status: true } };
      },
    },

    // Not in better-auth, which confirms through verify-email's own tokens: the link of the
    // approval mail (accounts without a password) and of the confirmation mail to the new address.
    "POST /change-email/approve": {
      async run({ body }) {
        const input = parseInput(tokenBody, body, "change-email/approve");
        await methods.approveEmailChange(input.token);
        return { body: { status: true } };
      },
    },

    "POST /change-email/confirm": {
      async run({ body }) {
        const input = parseInput(tokenBody, body, "change-email/confirm");
        const result = await methods.confirmEmailChange(input.token);
        const user = await ctx.users.byId(result.userId);
        return { body: { status: true, user: user ? wireUser(user) : null } };
      },
    },

    "POST /delete-user": {
      codes: deletion,
      async run({ body, request }) {
        const input = parseInput(deleteBody, body, "delete-user");
        origins.checkCallbackURL(input.callbackURL, request);
        if (input.token !== undefined) {
          await methods.confirmAccountDeletion(input.token);
          return { body: { success: true, message: "User deleted" } };
        }
        if (input.password !== undefined) {
          await methods.deleteAccount({ password: input.password });
          return { body: { success: true, message: "User deleted" } };
        }
        // No proof in the body: the mailbox confirms (better-auth's sendDeleteAccountVerification).
        await methods.requestAccountDeletion();
        return { body: { success: true, message: "Verification email sent" } };
      },
    },

    "GET /delete-user/callback": {
      async run({ query, request }) {
        const callbackURL = origins.checkCallbackURL(query.get("callbackURL") ?? undefined, request);
        return linkAnswer(callbackURL, deletion, async () => {
          const input = parseInput(tokenBody, { token: query.get("token") ?? "" }, "delete-user/callback");
          await methods.confirmAccountDeletion(input.token);
          return { body: { success: true, message: "User deleted" } };
        });
      },
    },
  };
}

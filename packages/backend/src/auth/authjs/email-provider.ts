import type { EmailConfig } from "next-auth/providers/email";
import { isTetrastackError } from "../../shared/errors.js";
import { normalizeEmail } from "../accounts/email.js";
import { EMAIL_PROVIDER_ID } from "../constants.js";
import type { AuthContext } from "../context.js";
import type { EmailSignInSettings } from "../features/email-sign-in.js";
import { defaultEmailTemplates } from "../mail/templates.js";
import { currentRequestMeta } from "../request/scope.js";
import { generateSessionToken } from "../session/token.js";
import { type SignInPolicy, signInErrorPage } from "./account-linking.js";

/**
 * @internal Auth.js's email provider on this package's tokens. Auth.js creates the token
 * (`generateVerificationToken`), stores its hash through the adapter (`createVerificationToken`,
 * purpose `sign-in`) and, when the link is opened, consumes it atomically through the adapter
 * (`useVerificationToken`) and signs the user in. `secret: ""` makes Auth.js's stored hash the
 * plain SHA-256 of the token, the hash every other link uses, so `sendSignInLink`'s links are
 * accepted by the same callback route.
 */
export function emailProvider(ctx: AuthContext, settings: EmailSignInSettings): EmailConfig {
  return {
    id: EMAIL_PROVIDER_ID,
    type: "email",
    name: "Email",
    maxAge: settings.expiresIn,
    secret: "",
    generateVerificationToken: generateSessionToken,
    async sendVerificationRequest({ identifier, url, expires }) {
      // Auth.js built `url` from the request; the link keeps only its path and query, on `baseURL`.
      const parsed = new URL(url);
      const link = `${ctx.links.origin}${parsed.pathname}${parsed.search}`;
      const template = settings.template ?? defaultEmailTemplates.signInLink;
      const content = await template({ to: identifier, url: link, expires, appName: ctx.links.appName });
      await ctx.mailer.send({ to: identifier, ...content });
    },
    options: {},
  } as EmailConfig;
}

/**
 * @internal The email-link part of the library's signIn callback: the mail limit before Auth.js
 * sends a link, no mail (and the same page) for an unknown address when users are not created,
 * and, when a link is opened, the pre-account-takeover claim of an unverified account.
 */
export function emailSignInPolicy(ctx: AuthContext, settings: EmailSignInSettings): SignInPolicy {
  async function existingUser(address: string | null | undefined) {
    if (typeof address !== "string" || !address) return null;
    return ctx.users.byEmail(normalizeEmail(address));
  }

  function verifyRequestPage(): string {
    const page = ctx.settings.pages?.verifyRequest ?? `${ctx.settings.basePath}/verify-request`;
    return `${page}?${new URLSearchParams({ provider: EMAIL_PROVIDER_ID, type: "email" })}`;
  }

  async function limitEmail(address: string | null | undefined): Promise<true | string> {
    try {
      const account = typeof address === "string" && address ? `sign-in:${normalizeEmail(address)}` : null;
      await ctx.limiter.enforce("email", ctx.settings.rateLimit.email, {
        ip: currentRequestMeta()?.ip ?? null,
        account,
      });
      return true;
    } catch (error) {
      if (!isTetrastackError(error, "RATE_LIMITED")) throw error;
      return signInErrorPage(ctx, "RATE_LIMITED", { retryAfter: `${error.retryAfter}` });
    }
  }

  return async ({ user, account, email }) => {
    if (email?.verificationRequest) {
      const limited = await limitEmail(user.email);
      if (limited !== true || account?.provider !== EMAIL_PROVIDER_ID || settings.createUsers) return limited;
      // No account and no sign-up: the same "check your inbox" page, and no mail.
      return (await existingUser(user.email)) ? true : verifyRequestPage();
    }
    if (account?.type !== "email") return undefined;
    const existing = await existingUser(user.email);
    if (!existing) return account.provider !== EMAIL_PROVIDER_ID || settings.createUsers;
    // The link proves the address; an unverified account on it may be someone else's squat.
    if (!existing.emailVerified) await ctx.dialect.batch(ctx.db, (q) => ctx.claim.statements(q, existing.id, {}));
    // The owner is back in, and this browser is theirs from now on (known-device cookie).
    if (existing.email) await ctx.caller.markKnownDevice(existing.email);
    return true;
  };
}

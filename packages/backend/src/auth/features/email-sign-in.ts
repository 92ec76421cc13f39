import { randomUUID } from "node:crypto";
import * as z from "zod";
import { assertArgument, isOptionalObject } from "../../shared/arguments.js";
import { ConfigError, ForbiddenError } from "../../shared/errors.js";
import { fnSchema as fn, secondsSchema as seconds } from "../../shared/schemas.js";
import { parseInput } from "../../shared/validate.js";
import { emailSchema } from "../accounts/email.js";
import type { AuthCallbacks } from "../authjs/types.js";
import { EMAIL_PROVIDER_ID } from "../constants.js";
import type { AuthContext } from "../context.js";
import { limitMailToAddress } from "../links/flows.js";
import { defaultEmailTemplates, type EmailTemplate, type LinkEmailParams } from "../mail/templates.js";

/** Sign-in by email link: Auth.js's email provider (id `"email"`) on this package's tokens. */
export interface EmailSignInOptions {
  /**
   * Offer the provider: `sendSignInLink(email)` or `signIn("email", formData)`.
   * @default false
   */
  enabled?: boolean;
  /**
   * Create the user on first use. When false, a link is only mailed to existing users (the
   * response is the same either way).
   * @default true
   */
  createUsers?: boolean;
  /**
   * Seconds the link works.
   * @default 600 (10 minutes)
   */
  expiresIn?: number;
  /**
   * The mail.
   * @default defaultEmailTemplates.signInLink
   */
  template?: EmailTemplate<LinkEmailParams>;
}

/** @internal Validation of {@link EmailSignInOptions}. */
export const emailSignInOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    createUsers: z.boolean().default(true),
    expiresIn: seconds(60, 86400, 600),
    template: fn<EmailTemplate<LinkEmailParams>>().optional(),
  })
  .prefault({});

/** @internal {@link EmailSignInOptions} with every default filled in. */
export type EmailSignInSettings = z.output<typeof emailSignInOptionsSchema>;

/** Options of `sendSignInLink`. */
export interface SendSignInLinkOptions {
  /**
   * Where the user lands after signing in: a path on your site.
   * @default "/"
   */
  redirectTo?: string;
}

/** What `createAuth` adds for sign-in by email link. */
export interface EmailSignInMethods {
  /**
   * Mails a sign-in link (Auth.js's email provider, `emailSignIn.enabled`); opening it signs in
   * through `/api/auth/callback/email`, creating the user on first use when `emailSignIn.createUsers`.
   * Resolves the same way whether or not the address has an account. `RateLimitError`
   * (`rateLimit.email`), `ValidationError`, `ForbiddenError` (your `signIn` callback refused).
   */
  sendSignInLink(email: string, options?: SendSignInLinkOptions): Promise<void>;
}

const input = z.object({
  email: emailSchema,
  redirectTo: z
    .string()
    .regex(/^\/(?![/\\])[^\s]*$/, { error: "must be a path on this site, starting with a single /" })
    .optional(),
});

/**
 * @internal `sendSignInLink`: what Auth.js's `signIn("email")` does before the mail goes out
 * (normalise, rate-limit, ask the `signIn` callback, create a token, mail the link), as a
 * function with typed errors instead of redirects. The link is opened at Auth.js's email callback
 * (see `authjs/email-provider.ts`), which accepts these tokens as its own.
 */
export function emailSignIn(
  ctx: AuthContext,
  settings: EmailSignInSettings,
  consumerSignIn: AuthCallbacks["signIn"] | undefined,
): EmailSignInMethods {
  return {
    async sendSignInLink(rawEmail, options) {
      if (!settings.enabled) {
        throw new ConfigError(
          "sendSignInLink: email sign-in is off; pass emailSignIn: { enabled: true } to createAuth.",
        );
      }
      assertArgument(isOptionalObject(options), "sendSignInLink", "options", "an object");
      const caller = await ctx.caller.flow();
      const { email, redirectTo } = parseInput(
        input,
        { email: rawEmail, redirectTo: options?.redirectTo },
        "sendSignInLink",
      );
      ctx.mailer.assertAvailable("sendSignInLink");
      const user = await limitMailToAddress(ctx, "sign-in", email, caller);
      if (consumerSignIn) {
        const allowed = await consumerSignIn({
          user: user ?? { id: randomUUID(), email, emailVerified: null },
          account: { providerAccountId: email, userId: user?.id ?? "", type: "email", provider: EMAIL_PROVIDER_ID },
          email: { verificationRequest: true },
        } as never);
        if (allowed !== true) throw new ForbiddenError("Signing in with this email is not allowed.");
      }
      if (!user && !settings.createUsers) return;
      const issued = await ctx.tokens.issue({
        purpose: "sign-in",
        identifier: email,
        userId: user?.id ?? null,
        expiresIn: settings.expiresIn,
      });
      const { origin } = ctx.links;
      const query = new URLSearchParams({ callbackUrl: `${origin}${redirectTo ?? "/"}`, token: issued.token, email });
      const url = `${origin}${ctx.settings.basePath}/callback/${EMAIL_PROVIDER_ID}?${query}`;
      const template = settings.template ?? defaultEmailTemplates.signInLink;
      const content = await template({ to: email, url, expires: issued.expires, appName: ctx.links.appName });
      await ctx.mailer.send({ to: email, ...content });
    },
  };
}

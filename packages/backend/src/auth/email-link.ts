import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { EmailConfig } from "next-auth/providers/email";
import * as z from "zod";
import { ForbiddenError } from "../shared/errors.js";
import { parseInput } from "../shared/validate.js";
import { emailSchema } from "./email.js";
import type { FlowContext } from "./lifecycle.js";
import type { Mailer } from "./mailer.js";
import type { AuthCallbacks, AuthDatabase, AuthSettings, AuthTables } from "./options.js";
import type { Limiter, RateLimitRuleSettings } from "./rate-limit.js";
import { generateSessionToken } from "./session-token.js";
import { defaultEmailTemplates } from "./templates.js";
import type { TokenStore } from "./tokens.js";

/** The id of the built-in email-link provider: `signIn("email", formData)`. */
export const EMAIL_PROVIDER_ID = "email";

/** Options of `sendSignInLink`. */
export interface SendSignInLinkOptions {
  /**
   * Where the user lands after signing in: a path on your site.
   * @default "/"
   */
  redirectTo?: string;
}

/** @internal What the email-link sign-in needs. */
export interface EmailLinkDeps {
  db: AuthDatabase;
  tables: Pick<AuthTables, "users">;
  tokens: TokenStore;
  mailer: Mailer;
  limiter: Limiter;
  rule: RateLimitRuleSettings;
  settings: AuthSettings["emailSignIn"];
  /** The origin links point at (`baseURL`'s). */
  origin: string;
  basePath: string;
  appName: string;
  /** Your `signIn` callback, asked as Auth.js asks it before mailing a link. */
  consumerSignIn: AuthCallbacks["signIn"] | undefined;
}

const redirectPath = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/, { error: "must be a path on this site, starting with a single /" })
  .optional();

/**
 * @internal Auth.js's email provider on this package's tokens. Auth.js creates the token
 * (`generateVerificationToken`), stores its hash through the adapter (`createVerificationToken`,
 * purpose `sign-in`) and, when the link is opened, consumes it atomically through the adapter
 * (`useVerificationToken`) and signs the user in. `secret: ""` makes Auth.js's stored hash the
 * plain SHA-256 of the token, the hash every other link uses, so `sendSignInLink`'s links are
 * accepted by the same callback route.
 */
export function createEmailProvider(deps: EmailLinkDeps): EmailConfig {
  return {
    id: EMAIL_PROVIDER_ID,
    type: "email",
    name: "Email",
    maxAge: deps.settings.expiresIn,
    secret: "",
    generateVerificationToken: generateSessionToken,
    async sendVerificationRequest({ identifier, url, expires }) {
      // Auth.js built `url` from the request; the link keeps only its path and query, on `baseURL`.
      const parsed = new URL(url);
      const link = `${deps.origin}${parsed.pathname}${parsed.search}`;
      const template = deps.settings.template ?? defaultEmailTemplates.signInLink;
      const content = await template({ to: identifier, url: link, expires, appName: deps.appName });
      await deps.mailer.send({ to: identifier, ...content });
    },
    options: {},
  } as EmailConfig;
}

/**
 * @internal `sendSignInLink`: what Auth.js's `signIn("email")` does before the mail goes out
 * (normalise, rate-limit, ask the `signIn` callback, create a token, mail the link), as a
 * function with typed errors instead of redirects.
 */
export function createSendSignInLink(
  deps: EmailLinkDeps,
): (email: unknown, options: SendSignInLinkOptions | undefined, context: FlowContext) => Promise<void> {
  const { db, tables } = deps;
  const input = z.object({ email: emailSchema, redirectTo: redirectPath });
  return async function sendSignInLink(rawEmail, options, context) {
    const { email, redirectTo } = parseInput(
      input,
      { email: rawEmail, redirectTo: options?.redirectTo },
      "sendSignInLink",
    );
    deps.mailer.assertAvailable("sendSignInLink");
    await deps.limiter.enforce("email", deps.rule, { ip: context.ip, account: `sign-in:${email}` });
    const [user] = await db.select().from(tables.users).where(eq(tables.users.email, email)).limit(1);
    if (deps.consumerSignIn) {
      const allowed = await deps.consumerSignIn({
        user: user ?? { id: randomUUID(), email, emailVerified: null },
        account: { providerAccountId: email, userId: user?.id ?? "", type: "email", provider: EMAIL_PROVIDER_ID },
        email: { verificationRequest: true },
      } as never);
      if (allowed !== true) throw new ForbiddenError("Signing in with this email is not allowed.");
    }
    if (!user && !deps.settings.createUsers) return;
    const issued = await deps.tokens.issue({
      purpose: "sign-in",
      identifier: email,
      userId: user?.id ?? null,
      expiresIn: deps.settings.expiresIn,
    });
    const query = new URLSearchParams({
      callbackUrl: `${deps.origin}${redirectTo ?? "/"}`,
      token: issued.token,
      email,
    });
    const url = `${deps.origin}${deps.basePath}/callback/${EMAIL_PROVIDER_ID}?${query}`;
    const template = deps.settings.template ?? defaultEmailTemplates.signInLink;
    const content = await template({ to: email, url, expires: issued.expires, appName: deps.appName });
    await deps.mailer.send({ to: email, ...content });
  };
}

import { env } from "../shared/env.js";
import { parseOptions } from "../shared/validate.js";
import { warnOnce } from "../shared/warn-once.js";
import { createAPIBinding } from "./api/binding.js";
import { type APIHandlers, createAPIHandlers } from "./api/handlers.js";
import { checkAPISettings } from "./api/options.js";
import { createAuthJs } from "./authjs/config.js";
import { wrapEntryPoints } from "./authjs/handlers.js";
import { jwtSessions } from "./authjs/jwt-session.js";
import type { NextAuthResult } from "./authjs/types.js";
import { withEnv } from "./config-options.js";
import { type AuthContext, createAuthContext } from "./context.js";
import { type AccessTokenMethods, accessTokens } from "./features/access-tokens.js";
import { type AccountDeletionMethods, accountDeletion } from "./features/account-deletion.js";
import { type APIKeyMethods, apiKeys } from "./features/api-keys.js";
import { type AuditLogMethods, auditLog } from "./features/audit-log.js";
import { type EmailChangeMethods, emailChange } from "./features/email-change.js";
import { type EmailSignInMethods, emailSignIn } from "./features/email-sign-in.js";
import { type EmailVerificationMethods, emailVerification } from "./features/email-verification.js";
import { type OrganizationInvitationMethods, organizationInvitations } from "./features/organization-invitations.js";
import { type OrganizationMemberMethods, organizationMembers } from "./features/organization-members.js";
import { type OrganizationMethods, organizations } from "./features/organizations.js";
import { type PasswordChangeMethods, passwordChange } from "./features/password-change.js";
import { type PasswordResetMethods, passwordReset } from "./features/password-reset.js";
import { checkTokenSettings, type RefreshTokenMethods, refreshTokens } from "./features/refresh-tokens.js";
import { type RegistrationMethods, registration } from "./features/registration.js";
import { type SessionMethods, sessionHelpers } from "./features/sessions.js";
import { detectPlatform } from "./limits/client-ip.js";
import { createNextBinding } from "./next/request.js";
import { type AuthOptions, type AuthSettings, authOptionsSchema, checkMailSettings } from "./options.js";
import type { AccessControl, DefaultAccessControl } from "./organizations/access.js";
import { createTokenResolver } from "./session/resolve.js";
import type { AuthDatabase } from "./tables.js";
import { resolveAccessTokenSettings } from "./tokens/options.js";

/**
 * What `createAuth` returns: NextAuth's own result plus the server helpers and the account flows,
 * one interface per feature (each documented where the feature lives). `TAccess` is the access
 * control of `organizations.access`: it types the roles and permissions the organization
 * methods take.
 */
export interface Auth<TAccess extends AccessControl = DefaultAccessControl>
  extends NextAuthResult,
    SessionMethods,
    RegistrationMethods,
    EmailVerificationMethods,
    PasswordResetMethods,
    PasswordChangeMethods,
    EmailChangeMethods,
    AccountDeletionMethods,
    EmailSignInMethods,
    OrganizationMethods<TAccess>,
    OrganizationMemberMethods<TAccess>,
    OrganizationInvitationMethods<TAccess>,
    AuditLogMethods,
    AccessTokenMethods,
    RefreshTokenMethods,
    APIKeyMethods {
  /**
   * Route handlers for `app/api/auth/[...nextauth]/route.ts` that serve the JSON API (better-auth's
   * email endpoints, with the `api` option) and hand every other path to `handlers`:
   * `export const { GET, POST, OPTIONS } = apiHandlers`. Without `api`, its paths answer 404.
   */
  apiHandlers: APIHandlers;
}

const CLIENT_IP_WARNING =
  'rateLimit.clientIP is not set and the platform was not detected: every client counts as one unknown address, so per-IP limits are not effective (they share one bucket). Set rateLimit.clientIP to where the app runs: "vercel", "cloudflare", "netlify", "fly", { forwardedHops: n } behind your own proxy, or "direct".';

/**
 * Auth.js (next-auth v5) with the Drizzle adapter, made secure and complete: email + password
 * sign-in with database sessions, hashed session tokens, scrypt, rate limits and lockout, safe
 * account linking, and fast server helpers. Validates its options once; throws ConfigError.
 *
 * @example
 * export const { handlers, auth, signIn, signOut, getSession, requireUser, registerUser } = createAuth({
 *   db: createDatabase({ url: process.env.DATABASE_URL }),
 *   providers: [Google],
 * })
 */
export function createAuth<TDatabase extends AuthDatabase, TAccess extends AccessControl = DefaultAccessControl>(
  options: AuthOptions<TDatabase, TAccess>,
): Auth<TAccess> {
  // 1. Options, validated once.
  const settings = parseOptions(authOptionsSchema, withEnv(options as unknown as AuthOptions), "createAuth");
  checkMailSettings(settings, "createAuth");
  checkAPISettings(settings, "createAuth");
  checkTokenSettings(settings, "createAuth");
  const accessTokenSettings = resolveAccessTokenSettings(settings, "createAuth");
  const warn = logger(settings);
  if (
    settings.rateLimit.clientIP === undefined &&
    !detectPlatform() &&
    settings.rateLimit.enabled &&
    env.isProduction()
  ) {
    warnOnce(warn, CLIENT_IP_WARNING);
  }

  // 2. The context: building blocks, then Auth.js on them, then the Next.js binding of the
  // caller. The caller and session access are set before the context is handed out to requests.
  const ctx = createAuthContext(
    { ...settings, organizationsEnabled: settings.organizations !== undefined },
    { warn },
    accessTokenSettings,
  ) as AuthContext;
  const authjs = createAuthJs(ctx, settings);
  const { maxAge, updateAge } = settings.session;
  const resolveToken = createTokenResolver(ctx.sessions, { maxAge, updateAge }, authjs.toSession);
  const next = createNextBinding(
    ctx,
    resolveToken,
    settings.session.strategy === "jwt" ? jwtSessions(authjs.nextAuth, settings.secret) : null,
  );
  // A JSON API request is answered from its own Request; anything else from next/headers.
  const api = createAPIBinding(ctx, resolveToken, next);
  ctx.caller = api.caller;
  ctx.sessionAccess = api.sessionAccess;

  // 3. The result: Auth.js's entry points, then one line per feature, then the JSON API over them.
  const entryPoints = wrapEntryPoints(ctx, authjs, next);
  const methods = {
    ...sessionHelpers(ctx),
    ...registration(ctx, settings.registration),
    ...emailVerification(ctx, settings.emailVerification),
    ...passwordReset(ctx, settings.passwordReset),
    ...passwordChange(ctx),
    ...emailChange(ctx, settings.emailChange),
    ...accountDeletion(ctx, settings.accountDeletion),
    ...emailSignIn(ctx, settings.emailSignIn, settings.callbacks?.signIn),
    ...organizations<TAccess>(ctx, settings.organizations),
    ...organizationMembers<TAccess>(ctx, settings.organizations),
    ...organizationInvitations<TAccess>(ctx, settings.organizations),
    ...auditLog(ctx),
    ...accessTokens(ctx),
    ...refreshTokens(ctx, settings.refreshTokens),
    ...apiKeys(ctx, settings.apiKeys),
  };
  return {
    ...authjs.nextAuth,
    ...entryPoints,
    ...methods,
    // Auth.js's handlers are typed for NextRequest; Next hands the JSON API's handlers one too.
    apiHandlers: createAPIHandlers(ctx, settings, { methods, authjs, binding: api }, entryPoints.handlers as never),
  };
}

/** The package's warnings, through your Auth.js `logger.error` when you pass one. */
function logger(settings: AuthSettings): (message: string, error?: unknown) => void {
  return (message, error) => {
    const text = `[@tetrastack/backend/auth] ${message}`;
    if (settings.logger?.error) {
      settings.logger.error(new Error(text, error === undefined ? undefined : { cause: error }));
    } else if (error === undefined) console.warn(text);
    else console.warn(text, error);
  };
}

import NextAuth, { type NextAuthConfig, type NextAuthResult } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import { auditedSignIn } from "../audit/sign-in.js";
import type { AuthConfigSettings } from "../config-options.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import type { AuthContext } from "../context.js";
import type { EmailSignInSettings } from "../features/email-sign-in.js";
import { createPasswordSignIn, type PasswordSignIn } from "../password/sign-in.js";
import { currentRequestMeta } from "../request/scope.js";
import type { ResolvedSessionRow, SessionAndUser } from "../session/store.js";
import { generateSessionToken } from "../session/token.js";
import type { AuthSession } from "../session/types.js";
import type { AuthUser } from "../tables.js";
import { type AccountLinkingSettings, accountLinking, type SignInPolicy } from "./account-linking.js";
import { createAuthAdapter } from "./adapter.js";
import { composeCallbacks, composeEvents } from "./callbacks.js";
import { credentialsProvider } from "./credentials.js";
import { credentialsSessionEncode } from "./credentials-session.js";
import { sharedConfig } from "./edge-config.js";
import { emailProvider, emailSignInPolicy } from "./email-provider.js";
import { authJsLogger } from "./logger.js";

/** @internal What the Auth.js layer needs beyond the core settings. */
export interface AuthJsSettings extends AuthConfigSettings {
  accountLinking: AccountLinkingSettings;
  emailSignIn: EmailSignInSettings;
  emailVerification: { required: boolean };
}

/** @internal Auth.js, configured on the package's building blocks. */
export interface AuthJs {
  nextAuth: NextAuthResult;
  /** False when Auth.js will refuse every request as coming from an untrusted host. */
  trustsHost(): boolean;
  /** The composed session callback and events, exactly as Auth.js runs them for `/session`. */
  toSession(found: SessionAndUser): Promise<AuthSession>;
  /** The credentials provider's password check (null when `credentials: false`): for the JSON API. */
  passwordSignIn: PasswordSignIn | null;
  /**
   * A password sign-in outside Auth.js's routes (the JSON API): the composed signIn callback and
   * `events.signIn`, as Auth.js runs them for the credentials provider. `true` when allowed; what
   * the callback answered otherwise (false, or the URL it would redirect to).
   */
  credentialsSignedIn(user: AuthUser): Promise<true | false | string>;
  /** `events.signOut`, as Auth.js runs it when a database session is signed out. */
  signedOut(session: ResolvedSessionRow): Promise<void>;
}

/**
 * @internal Builds the NextAuth config: the Drizzle adapter over the package's stores, the
 * Credentials provider (password sign-in with database sessions), the email-link provider, your
 * providers, and your callbacks and events composed with the library's policies (email links,
 * OAuth account linking, the credentials-session marker, JWT sessions ending with their user).
 */
export function createAuthJs(ctx: AuthContext, settings: AuthJsSettings): AuthJs {
  const { db, tables } = ctx;
  const { maxAge, updateAge } = settings.session;
  const jwtStrategy = settings.session.strategy === "jwt";
  const adapter = createAuthAdapter(db, tables, ctx.sessions, ctx.tokens, ctx.audit);
  const linking = accountLinking(ctx, settings.accountLinking);
  const policies: SignInPolicy[] = [emailSignInPolicy(ctx, settings.emailSignIn), linking.signIn];

  const callbacks = composeCallbacks(settings.callbacks, {
    ...(!jwtStrategy && settings.credentials && { markCredentialsSessions: CREDENTIALS_PROVIDER_ID }),
    ...(jwtStrategy && { userExists: async (userId: string) => (await ctx.users.byId(userId)) !== null }),
    async signIn(params) {
      for (const policy of policies) {
        const answer = await policy(params);
        if (answer !== undefined) return answer;
      }
      // For the audit event the adapter writes with the session row.
      const meta = currentRequestMeta();
      if (meta && params.account?.provider) meta.signInProvider = params.account.provider;
      return true;
    },
  });
  const events = composeEvents(linking.events, settings.events);

  const providers: NextAuthConfig["providers"] = [...settings.providers];
  const passwordSignIn = settings.credentials
    ? auditedSignIn(ctx, createPasswordSignIn(ctx, { requireEmailVerification: settings.emailVerification.required }))
    : null;
  if (passwordSignIn) providers.unshift(credentialsProvider(passwordSignIn));
  if (settings.emailSignIn.enabled) {
    providers.splice(settings.credentials ? 1 : 0, 0, emailProvider(ctx, settings.emailSignIn));
  }

  const config: NextAuthConfig = {
    ...sharedConfig(settings),
    logger: authJsLogger(settings.logger),
    adapter,
    providers,
    session: jwtStrategy ? { strategy: "jwt", maxAge, updateAge } : { maxAge, updateAge, generateSessionToken },
    ...(!jwtStrategy && { jwt: { encode: credentialsSessionEncode(adapter, maxAge) } }),
    callbacks,
    events,
  };
  const nextAuth = NextAuth(config);

  return {
    nextAuth,
    // NextAuth() has applied its environment defaults to `config` (AUTH_URL, AUTH_TRUST_HOST,
    // VERCEL, NODE_ENV…): this is the very flag Auth.js checks on every request.
    trustsHost: () => config.trustHost === true,
    async toSession(found) {
      const user = found.user as AdapterUser;
      const session = (await callbacks.session?.({
        session: { ...found.session, user },
        user,
        newSession: undefined,
      } as never)) as unknown as AuthSession;
      try {
        await events.session?.({ session } as never);
      } catch (error) {
        ctx.logger.warn("events.session failed", error);
      }
      return session;
    },
    passwordSignIn,
    async credentialsSignedIn(user) {
      // What Auth.js's credentials callback passes (lib/actions/callback/index.ts), the typed
      // credentials aside: the password never leaves the check.
      const adapterUser = user as AdapterUser;
      const account = { providerAccountId: user.id, type: "credentials", provider: CREDENTIALS_PROVIDER_ID } as const;
      const allowed = await callbacks.signIn?.({ user: adapterUser, account } as never);
      if (allowed !== undefined && allowed !== true) return allowed;
      try {
        await events.signIn?.({ user: adapterUser, account, isNewUser: false } as never);
      } catch (error) {
        ctx.logger.warn("events.signIn failed", error);
      }
      return true;
    },
    async signedOut(session) {
      try {
        await events.signOut?.({ session } as never);
      } catch (error) {
        ctx.logger.warn("events.signOut failed", error);
      }
    },
  };
}

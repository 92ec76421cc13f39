import NextAuth, { type NextAuthConfig, type NextAuthResult } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import type { AuthConfigSettings } from "../config-options.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import type { AuthContext } from "../context.js";
import type { EmailSignInSettings } from "../features/email-sign-in.js";
import type { SessionAndUser } from "../session/store.js";
import { generateSessionToken } from "../session/token.js";
import type { AuthSession } from "../session/types.js";
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
  const adapter = createAuthAdapter(db, tables, ctx.sessions, ctx.tokens);
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
      return true;
    },
  });
  const events = composeEvents(linking.events, settings.events);

  const providers: NextAuthConfig["providers"] = [...settings.providers];
  if (settings.credentials) {
    providers.unshift(credentialsProvider(ctx, { requireEmailVerification: settings.emailVerification.required }));
  }
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
  };
}

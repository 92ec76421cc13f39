import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { parseOptions } from "../../shared/validate.js";
import {
  type AuthConfigOptions,
  type AuthConfigSettings,
  authConfigOptionsSchema,
  withEnv,
} from "../config-options.js";
import { CREDENTIALS_PROVIDER_ID } from "../constants.js";
import { isRandomToken } from "../session/token-shape.js";
import { composeCallbacks, type SharedConfig } from "./callbacks.js";

// createAuthConfig, for proxy.ts: edge-safe, so this module and what it imports hold no database
// or node: code (test/auth-config.test.ts checks its external imports).

const RAW_TOKEN = "tetrastack.sessionToken";

/** @internal Settings every config shares, in Auth.js's vocabulary. */
export function sharedConfig(settings: AuthConfigSettings): SharedConfig {
  const secret = settings.secret;
  return {
    ...(secret !== undefined && { secret }),
    basePath: settings.basePath,
    ...(settings.trustHost !== undefined && { trustHost: settings.trustHost }),
    ...(settings.useSecureCookies !== undefined && { useSecureCookies: settings.useSecureCookies }),
    ...(settings.pages && { pages: settings.pages }),
    ...(settings.cookies && { cookies: settings.cookies }),
    ...(settings.logger && { logger: settings.logger }),
    ...(settings.debug !== undefined && { debug: settings.debug }),
    ...(settings.theme && { theme: settings.theme }),
  };
}

/**
 * The edge-safe Auth.js config (no adapter, no database code), for `proxy.ts`/middleware.
 *
 * - JWT strategy: a full config. `NextAuth(createAuthConfig(options)).auth` reads the same
 *   cookies `createAuth` writes, with the same callbacks.
 * - Database strategy (the default): the proxy cannot see the database, so `auth` there only
 *   reports that a well-formed session cookie is present (`{ expires, user: undefined }`) and
 *   keeps that cookie's lifetime sliding. It never proves the session is alive: check that with
 *   `getSession()`/`requireUser()` where the data is read. Unlike a plain adapter-less Auth.js
 *   config, it never clears the database session cookie (next-auth issue #11506).
 *
 * @example
 * // proxy.ts
 * const { auth } = NextAuth(createAuthConfig(authOptions))
 * export const proxy = auth((req) => { if (!req.auth) return Response.redirect(new URL("/login", req.url)) })
 */
export function createAuthConfig(options: AuthConfigOptions): NextAuthConfig {
  const settings = parseOptions(authConfigOptionsSchema, withEnv(options), "createAuthConfig");
  const providers = [...settings.providers];
  if (settings.credentials) {
    // Listed so both configs know the same providers; signing in happens in createAuth only.
    providers.unshift(
      Credentials({ id: CREDENTIALS_PROVIDER_ID, credentials: credentialFields, authorize: () => null }),
    );
  }
  if (settings.session.strategy === "jwt") {
    return {
      ...sharedConfig(settings),
      providers,
      session: { strategy: "jwt", maxAge: settings.session.maxAge, updateAge: settings.session.updateAge },
      callbacks: composeCallbacks(settings.callbacks),
      ...(settings.events && { events: settings.events }),
    };
  }
  return {
    ...sharedConfig(settings),
    providers,
    session: { strategy: "jwt", maxAge: settings.session.maxAge },
    jwt: {
      // Presence only: the opaque database token is carried through unchanged, never decoded.
      async decode({ token }) {
        return isRandomToken(token) ? { [RAW_TOKEN]: token } : null;
      },
      async encode({ token }) {
        const raw = token?.[RAW_TOKEN];
        return typeof raw === "string" ? raw : "";
      },
    },
    callbacks: {
      jwt: ({ token }) => token,
      session: ({ session }) => ({ expires: session.expires, user: undefined }) as never,
      ...(settings.callbacks?.authorized && { authorized: settings.callbacks.authorized }),
      ...(settings.callbacks?.redirect && { redirect: settings.callbacks.redirect }),
    },
  };
}

/** @internal The form fields of the credentials provider (used by Auth.js's built-in sign-in page). */
export const credentialFields = {
  email: { label: "Email", type: "email", autocomplete: "username" },
  password: { label: "Password", type: "password", autocomplete: "current-password" },
} as const;

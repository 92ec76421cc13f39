import type { AuthConfigOptions } from "@tetrastack/backend/auth";

/**
 * Options shared by `auth.ts` (the full instance, with the database) and `proxy.ts` (no database).
 * AUTH_SECRET comes from the environment: `pnpm dev` writes a development one to .env.local.
 */
export const authOptions = {
  // Auth.js's route handlers send a browser to `error` with ?error=<code> (UNTRUSTED_HOST, AccessDenied…).
  pages: { signIn: "/sign-in", error: "/auth-error" },
  // requireUser() in pages and actions redirects here instead of throwing.
  redirectUnauthenticatedTo: "/sign-in",
} satisfies AuthConfigOptions;

/**
 * @internal The one module of the package that reads `process.env`. Each value is read when it is
 * asked for, not at import, so tests and `next build` (which sets `NEXT_PHASE`) see the
 * environment of the moment.
 */
export const env = {
  /** `AUTH_SECRET` (Auth.js's name), else `NEXTAUTH_SECRET` (v4's). */
  authSecret(): string | undefined {
    return process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET || undefined;
  },
  /**
   * True when `BETTER_AUTH_SECRET` is set: `npx auth secret` now runs Better Auth's CLI, which
   * prints that name, and a first-time setup may end with only it set. Auth.js never reads it.
   */
  hasBetterAuthSecret(): boolean {
    return Boolean(process.env.BETTER_AUTH_SECRET);
  },
  /** `AUTH_URL`, else `NEXTAUTH_URL`: the app's public URL, when set. */
  authURL(): string | undefined {
    return process.env.AUTH_URL || process.env.NEXTAUTH_URL || undefined;
  },
  /** The `R2_*` variables `/uploads` falls back to. */
  r2(): Record<
    "R2_ACCOUNT_ID" | "R2_ACCESS_KEY_ID" | "R2_SECRET_ACCESS_KEY" | "R2_BUCKET" | "R2_ENDPOINT",
    string | undefined
  > {
    return {
      R2_ACCOUNT_ID: process.env.R2_ACCOUNT_ID,
      R2_ACCESS_KEY_ID: process.env.R2_ACCESS_KEY_ID,
      R2_SECRET_ACCESS_KEY: process.env.R2_SECRET_ACCESS_KEY,
      R2_BUCKET: process.env.R2_BUCKET,
      R2_ENDPOINT: process.env.R2_ENDPOINT,
    };
  },
  /** The variables that name the hosting platform, for the client-address default. */
  platform(): { vercel: boolean; netlify: boolean; fly: boolean } {
    return {
      vercel: process.env.VERCEL === "1",
      netlify: process.env.NETLIFY === "true",
      fly: Boolean(process.env.FLY_APP_NAME),
    };
  },
  /** `NODE_ENV` exactly as set: for checks that refuse production outright, `next build` included. */
  nodeEnv(): string | undefined {
    return process.env.NODE_ENV;
  },
  /** `next build`, which runs with NODE_ENV=production but without runtime secrets. */
  isBuildPhase(): boolean {
    return process.env.NEXT_PHASE === "phase-production-build";
  },
  /**
   * Anything but NODE_ENV=production (`next dev`, tests, scripts): where the development
   * defaults of the rate limits and their one-time hints apply. `next build` and `next start`
   * run with NODE_ENV=production, so they never get them.
   */
  isDevelopment(): boolean {
    return process.env.NODE_ENV !== "production";
  },
  /**
   * Production, but not `next build`: the server that serves requests validates again when it
   * loads the module, with its runtime secrets.
   */
  isProduction(): boolean {
    return process.env.NODE_ENV === "production" && !env.isBuildPhase();
  },
} as const;

import { env } from "../../shared/env.js";
import type { RateLimitRuleSettings } from "../../shared/rate-limit.js";

// Development only (NODE_ENV !== "production": `next dev`, tests, scripts): budgets a developer
// signing up and in over and over does not exhaust, and a hint, once, when a limit trips anyway.
// `next build` and `next start` run with NODE_ENV=production, so production never sees either.

/** @internal How much larger the default budgets and lockout threshold are in development. */
export const DEVELOPMENT_FACTOR = 10;

/** @internal `lockout.threshold`'s production default. */
export const DEFAULT_LOCKOUT_THRESHOLD = 5;

/** @internal A default budget: as documented in production, {@link DEVELOPMENT_FACTOR} times it in development. */
export function budget(production: number): () => number {
  // Read when the options are parsed (createAuth), not at import: tests switch NODE_ENV.
  return () => (env.isDevelopment() ? production * DEVELOPMENT_FACTOR : production);
}

/** @internal The `rateLimit` option each limiter bucket follows. */
const OPTION_OF_BUCKET: Record<string, string> = {
  "sign-in": "signIn",
  register: "register",
  email: "email",
  confirm: "confirm",
  // The current password typed into a change is checked under the sign-in rule.
  "change-password": "signIn",
  reauthenticate: "signIn",
};

/** @internal What to say when a rate limit trips in development (null in production). */
export function rateLimitHint(bucket: string, rule: RateLimitRuleSettings): string | null {
  if (!env.isDevelopment()) return null;
  const option = `rateLimit.${OPTION_OF_BUCKET[bucket] ?? bucket}`;
  return (
    `Development: the ${bucket} rate limit tripped (${option}: ${rule.perIP} per IP, ${rule.perAccount} per account, ` +
    `${rule.perUnknownIP} from all unknown addresses, per ${rule.window} s). This is a production limit: production ` +
    `enforces ${option} too, with the defaults documented on it, which are ${DEVELOPMENT_FACTOR} times lower than ` +
    `the development defaults. Change it with createAuth({ rateLimit: { ${OPTION_OF_BUCKET[bucket] ?? bucket}: ` +
    `{ perIP, perAccount, window } } }), turn limits off locally with rateLimit: { enabled: false }, or delete ` +
    `the rows of the rate_limits table to start again. Shown once per limit; never in production.`
  );
}

/** @internal What to say when an account locks in development (null in production). */
export function lockoutHint(threshold: number): string | null {
  if (!env.isDevelopment()) return null;
  return (
    `Development: an account is locked after ${threshold} wrong passwords in a row (lockout.threshold). This is ` +
    `the production lockout: production locks too, by default after ${DEFAULT_LOCKOUT_THRESHOLD} (the development ` +
    `default is ${DEFAULT_LOCKOUT_THRESHOLD * DEVELOPMENT_FACTOR}). The lock ends by ` +
    `itself (lockout.baseSeconds, doubling), and a password reset or a sign-in link lifts it at once. Change it ` +
    `with createAuth({ lockout: { threshold, baseSeconds } }) or turn it off locally with lockout: { enabled: false }. ` +
    `Shown once; never in production.`
  );
}

import * as z from "zod";
import { ConfigError } from "../../shared/errors.js";

/**
 * The JSON API (`auth.apiHandlers`): better-auth's email endpoints, for clients that are not a
 * Server Action (mobile apps, other frontends, other servers). Off unless this option is passed.
 */
export interface APIOptions {
  /**
   * Origins besides the app's own (`baseURL`, `AUTH_URL` and the request's) whose pages may call
   * the API with the session cookie: a state-changing request carrying the session cookie must
   * come from one of them (`Origin`, else `Referer`), CORS preflights are answered for them only,
   * and only they get `Access-Control-Allow-Origin` with credentials. Exact origins, such as
   * `"https://admin.example.com"`. Clients that send `Authorization: Bearer` need no entry.
   * @default [] (the app's own origin only)
   */
  trustedOrigins?: string[];
}

/** An exact origin (`https://host[:port]`), a trailing slash tolerated. */
const originSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return /^https?:$/.test(url.protocol) && url.pathname === "/" && !url.search && !url.hash && !url.username;
      } catch {
        return false;
      }
    },
    { error: 'must be an origin such as "https://app.example.com" (no path, query or credentials)' },
  )
  .transform((value) => new URL(value).origin);

/** @internal Validation of {@link APIOptions}. */
export const apiOptionsSchema = z
  .strictObject({
    trustedOrigins: z.array(originSchema).max(100).default([]),
  })
  .optional();

/** @internal {@link APIOptions} with every default filled in, or undefined when the API is off. */
export type APISettings = z.output<typeof apiOptionsSchema>;

/**
 * @internal The JSON API hands clients a database session token: under the JWT strategy there is
 * no such token (and no row to revoke), so the combination is refused at creation.
 */
export function checkAPISettings(
  settings: { api?: APISettings; session: { strategy: string } },
  factory: string,
): void {
  if (settings.api && settings.session.strategy !== "database") {
    const message =
      'needs session.strategy "database": the JSON API answers with revocable database session tokens, which JWT sessions do not have';
    throw new ConfigError(`${factory}: invalid options: api: ${message}`, { issues: [{ path: "api", message }] });
  }
}

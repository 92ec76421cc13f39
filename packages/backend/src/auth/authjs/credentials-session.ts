import type { Adapter } from "next-auth/adapters";
import { encode as encodeJWT, type JWTEncodeParams } from "next-auth/jwt";
import { CREDENTIALS_SESSION_USER } from "../constants.js";
import { generateSessionToken } from "../session/token.js";

/**
 * @internal The credentials-session workaround, in one place. Auth.js's Credentials provider never creates a database session
 * (by design upstream: next-auth #3729; `lib/actions/callback/index.ts` always runs
 * `callbacks.jwt` then `jwt.encode` for it and never calls `adapter.createSession`), so under the
 * database strategy `auth()` would find nothing. This package:
 *  1. leaves `session.strategy` unset: the adapter implies "database", which keeps Auth.js's
 *     credentials-vs-database assertion (`lib/utils/assert.ts`, explicit "database" only) quiet;
 *  2. marks credentials sign-ins in the `jwt` callback (`composeCallbacks`, under
 *     `CREDENTIALS_SESSION_USER`);
 *  3. overrides `jwt.encode`, the one hook Auth.js calls before writing the session cookie, to
 *     create the session row through the adapter (which stores only its hash) and return the
 *     opaque random token instead of a JWT. Any other token is encoded as Auth.js would.
 * `jwt.decode` is never called under the database strategy: the cookie is resolved through
 * `getSessionAndUser`. Revoking a credentials session is then deleting its row, as for OAuth.
 */
export { CREDENTIALS_SESSION_USER };

/** @internal The `jwt.encode` of the workaround above. */
export function credentialsSessionEncode(
  adapter: Adapter,
  maxAge: number,
): (params: JWTEncodeParams) => Promise<string> {
  return async function encode(params) {
    const userId = params.token?.[CREDENTIALS_SESSION_USER];
    if (typeof userId !== "string") return encodeJWT(params);
    const sessionToken = generateSessionToken();
    const expires = new Date(Date.now() + (params.maxAge ?? maxAge) * 1000);
    await adapter.createSession?.({ sessionToken, userId, expires });
    return sessionToken;
  };
}

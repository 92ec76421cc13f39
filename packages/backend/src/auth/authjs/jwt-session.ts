import type { NextAuthResult } from "next-auth";
import { decode as decodeJWT } from "next-auth/jwt";
import type { JWTSessions } from "../next/request.js";
import type { AuthSession } from "../session/types.js";

/**
 * @internal The JWT strategy's sessions, as Auth.js decodes them: `auth()` for the current
 * request, the JWT's own sign-in time (for `requireFreshSession`), and `auth()` for a `Request`.
 */
export function jwtSessions(nextAuth: NextAuthResult, secret: string | string[] | undefined): JWTSessions {
  return {
    async current() {
      return (await nextAuth.auth()) as AuthSession | null;
    },
    async signedInAt(token, cookieName) {
      if (!token || !secret) return new Date(0);
      const payload = await decodeJWT({ token, secret, salt: cookieName }).catch(() => null);
      const seconds = Number(payload?.authTime ?? payload?.iat ?? 0);
      return new Date(seconds * 1000);
    },
    async fromRequest(request) {
      const url = new URL(request.url);
      const forwarded = new Headers(request.headers);
      if (!forwarded.has("host")) forwarded.set("host", url.host);
      if (!forwarded.has("x-forwarded-proto")) forwarded.set("x-forwarded-proto", url.protocol.replace(":", ""));
      const auth = nextAuth.auth as unknown as (
        req: { headers: Headers },
        res: { headers: Headers },
      ) => Promise<unknown>;
      return (await auth({ headers: forwarded }, { headers: new Headers() })) as AuthSession | null;
    },
  };
}

import { verifyAccessToken } from "@/auth";

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/** Who is calling, as the access token says. */
export interface Caller {
  userId: string;
  /** The session the token was issued for (`sessions.id`): the device. */
  sessionId: string;
  expiresAt: Date;
}

/**
 * The caller behind the request's access token (a JWT from sign-in with `issueTokens` or from
 * `POST /api/auth/token/refresh`), checked without a database query: signature, issuer, audience,
 * expiry. Null without a token; an `AccessTokenError` (401) for a bad one, `ACCESS_TOKEN_EXPIRED`
 * when it is time to refresh. A token stays valid until its `exp` (15 minutes) even after its
 * session was revoked; the refresh token stops at once.
 */
export async function callerFromBearer(request: Request): Promise<Caller | null> {
  const token = bearerToken(request);
  if (!token) return null;
  const claims = await verifyAccessToken(token);
  return { userId: claims.sub, sessionId: claims.sid, expiresAt: new Date(claims.exp * 1000) };
}

import type { AuthSession } from "@tetrastack/backend/auth";
import { getSessionFromToken } from "@/auth";

/** The token from `Authorization: Bearer <token>` (as `set-auth-token` handed it out), or null. */
export function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/**
 * The session behind a bearer token, resolved as the package's JSON API resolves it (one indexed
 * query, the same expiry and sliding refresh; a revoked or expired token gives null).
 */
export async function sessionFromBearer(request: Request): Promise<AuthSession | null> {
  const token = bearerToken(request);
  return token ? getSessionFromToken(token) : null;
}

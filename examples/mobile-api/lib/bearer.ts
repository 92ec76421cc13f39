import { type AuthSession, sessionCookieName } from "@tetrastack/backend/auth";
import { cookies } from "next/headers";
import { getSessionFromToken } from "@/auth";

/** A database session token: 32 random bytes, base64url (what the session cookie would carry). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const COOKIE_NAMES = [sessionCookieName(false), sessionCookieName(true)];

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return match?.[1] && TOKEN.test(match[1]) ? match[1] : null;
}

/**
 * The session behind a bearer token, resolved exactly as the session cookie would be (one
 * indexed query; expired or revoked tokens give null).
 */
export async function sessionFromBearer(request: Request): Promise<(AuthSession & { token: string }) | null> {
  const token = bearerToken(request);
  if (!token) return null;
  const session = await getSessionFromToken(token);
  return session ? { ...session, token } : null;
}

/**
 * After `signIn(..., { redirect: false })` in a route handler: takes the new session token out of
 * the cookie Auth.js just set, and drops the cookie, so the API answers with the token instead.
 */
export async function takeSessionToken(): Promise<string | null> {
  const jar = await cookies();
  for (const name of COOKIE_NAMES) {
    const value = jar.get(name)?.value;
    if (value) {
      jar.delete(name);
      return value;
    }
  }
  return null;
}

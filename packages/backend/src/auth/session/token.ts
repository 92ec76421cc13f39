import { createHash, randomBytes } from "node:crypto";
import { assertArgument } from "../../shared/arguments.js";

export { isRandomToken, RANDOM_TOKEN_SHAPE } from "./token-shape.js";

/**
 * A new session token: 32 random bytes (256 bits), base64url, 43 characters. It only ever lives
 * in the cookie; the database keeps {@link hashSessionToken} of it.
 */
export function generateSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * SHA-256 (hex) of a session token: what `sessions.session_token` stores. A fast hash is enough
 * because the token is random and 256 bits long; a leaked table yields no usable cookie.
 */
export function hashSessionToken(token: string): string {
  assertArgument(typeof token === "string", "hashSessionToken", "token", "a string");
  return createHash("sha256").update(token, "utf8").digest("hex");
}

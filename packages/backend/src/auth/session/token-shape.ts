// Free of imports: the edge config (proxy.ts) checks cookie shapes too.

/** @internal Every random token of `/auth` (sessions, links): 32 bytes in base64url, 43 characters. */
export const RANDOM_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * @internal Whether `value` has the shape of a token this package issued: anything else is
 * refused without a query (or a hash).
 */
export function isRandomToken(value: unknown): value is string {
  return typeof value === "string" && RANDOM_TOKEN_SHAPE.test(value);
}

import { AsyncLocalStorage } from "node:async_hooks";
import { isIP } from "node:net";
import type { DeferredWrite } from "../../database/dialect.js";

/** @internal What `/auth` remembers about the request being handled: for session rows and limits. */
export interface RequestMeta {
  /**
   * The client address as the limits count it: an address, `UNKNOWN_CLIENT` when the request's
   * address cannot be trusted, or null outside a request (a script: not counted per IP).
   */
  ip: string | null;
  userAgent: string | null;
  /** The request's `Cookie` header, for the session and known-device cookies. */
  cookieHeader: string | null;
  /**
   * Set while the request is handled: the account this browser has just proven itself for (a
   * right password, a sign-in link, a password reset), so the response marks it a known device.
   */
  knownDeviceFor?: string | undefined;
  /** Route handlers: the session cookie's token, so the signIn callback knows who is signed in. */
  sessionToken?: string | undefined;
  /**
   * Set by the signIn callback of an OAuth sign-in: whether the provider vouched for the email.
   * The adapter creates a user without the address when it did not.
   */
  oauthEmailVouched?: boolean | undefined;
  /** Set by the signIn callback: the provider of the sign-in being completed, for its audit event. */
  signInProvider?: string | undefined;
  /** Set while a JSON API request (`auth/api/`) is handled: the caller answers from it, not `next/headers`. */
  api?: APIRequestState | undefined;
  /**
   * Writes a sign-in owes (forgetting the lockout failures after a right password), sent with the
   * session row when this request creates one ({@link takeDeferredWrites}), otherwise when the
   * request's handling ends ({@link settleDeferredWrites}): one round trip fewer per sign-in.
   */
  deferredWrites?: DeferredWrite[] | undefined;
}

/** @internal A JSON API request being handled: what it carries, and what its response must add. */
export interface APIRequestState {
  request: Request;
  /** Whether cookies are secure for it (`session/cookies.ts`: `AUTH_URL`, else its URL). */
  secure: boolean;
  /** The session token it carries: from `Authorization: Bearer`, else from the session cookie. */
  token: { value: string; from: "bearer" | "cookie" } | null;
  /** Headers for the response, `Set-Cookie` among them. */
  response: Headers;
}

const storage = new AsyncLocalStorage<RequestMeta>();

/**
 * @internal Runs `fn` with the request's metadata available to code Auth.js calls without the
 * request (the adapter's createSession, the signIn callback).
 */
export function withRequestMeta<T>(meta: RequestMeta, fn: () => T): T {
  return storage.run(meta, fn);
}

/** @internal The metadata of the request being handled, if any. */
export function currentRequestMeta(): RequestMeta | undefined {
  return storage.getStore();
}

/**
 * @internal Leaves `write` to the session row this request is about to create (see
 * {@link RequestMeta.deferredWrites}); outside a request's handling, runs it now.
 */
export async function deferWrite(write: DeferredWrite | null): Promise<void> {
  if (!write) return;
  const meta = storage.getStore();
  if (!meta) return write.run();
  meta.deferredWrites = [...(meta.deferredWrites ?? []), write];
}

/** @internal The writes deferred so far in this request, which the caller now sends. */
export function takeDeferredWrites(): DeferredWrite[] {
  const meta = storage.getStore();
  const writes = meta?.deferredWrites ?? [];
  if (meta) meta.deferredWrites = undefined;
  return writes;
}

/**
 * @internal Sends the deferred writes no session row took, at the end of a request's handling
 * (a sign-in refused after the right password, or one under the JWT strategy). Every entry point
 * that runs a sign-in calls it once its handler is done.
 */
export async function settleDeferredWrites(meta: RequestMeta): Promise<void> {
  const writes = meta.deferredWrites ?? [];
  meta.deferredWrites = undefined;
  for (const write of writes) await write.run();
}

/** @internal Reads the metadata from request headers. */
export function requestMetaFrom(headers: Headers, clientIP: (headers: Headers) => string): RequestMeta {
  return {
    ip: clientIP(headers),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    cookieHeader: headers.get("cookie"),
  };
}

/** @internal The address worth storing on a session row: a real IP, never a marker or a forged header's junk. */
export function storableIP(ip: string | null | undefined): string | null {
  const trimmed = ip?.trim();
  return trimmed && isIP(trimmed) ? trimmed : null;
}

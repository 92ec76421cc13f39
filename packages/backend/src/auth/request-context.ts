import { AsyncLocalStorage } from "node:async_hooks";

/** @internal What `/auth` remembers about the request being handled: for session rows and limits. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
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

/** @internal Reads the metadata from request headers. */
export function requestMetaFrom(
  headers: Headers,
  clientIP: (headers: Headers) => string | null | undefined,
): RequestMeta {
  let ip: string | null = null;
  try {
    ip = clientIP(headers) ?? null;
  } catch {
    // A consumer's clientIP that throws must not break sign-in: fall back to "unknown".
  }
  return { ip, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}

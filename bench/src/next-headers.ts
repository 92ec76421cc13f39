import { AsyncLocalStorage } from "node:async_hooks";

// The bundle maps `next/headers` here (scripts/run.mjs). Next fills `headers()` and `cookies()`
// from an AsyncLocalStorage it sets for each request; this does the same, with Next's rules:
// cookies are writable in Server Actions and Route Handlers, read-only in Server Components.

/** A cookie as the request scope holds it. */
export interface ScopeCookie {
  value: string;
  options: Record<string, unknown>;
}

/** One simulated request: its headers and the browser's cookie jar. */
export interface RequestScope {
  headers: Headers;
  cookies: Map<string, ScopeCookie>;
  /** True for a Server Component render, where Next forbids setting cookies. */
  readOnly: boolean;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` as Next runs a Server Component render or a Server Action for this scope. */
export function inRequest<T>(scope: RequestScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

function scope(): RequestScope {
  const current = storage.getStore();
  if (!current) throw new Error("headers()/cookies() called outside a request scope");
  return current;
}

export async function headers(): Promise<Headers> {
  return scope().headers;
}

export async function cookies() {
  const current = scope();
  const jar = current.cookies;
  return {
    get: (name: string) => {
      const entry = jar.get(name);
      return entry ? { name, value: entry.value } : undefined;
    },
    getAll: () => [...jar].map(([name, entry]) => ({ name, value: entry.value })),
    has: (name: string) => jar.has(name),
    set(name: string | { name: string; value: string }, value?: string, options?: Record<string, unknown>) {
      if (current.readOnly) throw new Error("Cookies can only be modified in a Server Action or Route Handler.");
      const [key, cookieValue, cookieOptions] =
        typeof name === "object" ? [name.name, name.value, name as Record<string, unknown>] : [name, value, options];
      jar.set(key, { value: cookieValue ?? "", options: cookieOptions ?? {} });
    },
    delete(name: string | { name: string }) {
      if (current.readOnly) throw new Error("Cookies can only be modified in a Server Action or Route Handler.");
      jar.delete(typeof name === "object" ? name.name : name);
    },
  };
}

export async function draftMode() {
  return { isEnabled: false, enable() {}, disable() {} };
}

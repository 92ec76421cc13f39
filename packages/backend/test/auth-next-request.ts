import { AsyncLocalStorage } from "node:async_hooks";
import { register } from "node:module";

// `next/headers` needs Next's request scope (an AsyncLocalStorage Next fills for each request),
// which only exists inside a running Next server. This is the one thing mocked for the server
// action tests: `headers()` and `cookies()` read a scope the test sets, with the semantics Next
// gives them (cookies are writable in Server Actions, read-only in Server Components). Both
// next-auth's own `signIn`/`signOut` and this package's helpers resolve `next/headers` to it.
const stub = `
const scope = () => {
  const current = globalThis.__tetrastackRequestStorage?.getStore();
  if (!current) throw new Error("headers()/cookies() called outside a request scope");
  return current;
};
export async function headers() { return scope().headers; }
export async function cookies() {
  const current = scope();
  const jar = current.cookies;
  return {
    get: (name) => (jar.has(name) ? { name, value: jar.get(name).value } : undefined),
    getAll: () => [...jar].map(([name, entry]) => ({ name, value: entry.value })),
    has: (name) => jar.has(name),
    set(name, value, options) {
      if (current.readOnly) throw new Error("Cookies can only be modified in a Server Action or Route Handler.");
      if (typeof name === "object") ({ name, value, ...options } = name);
      const expires = options?.expires ? new Date(options.expires) : undefined;
      if (value === "" || (expires && expires.getTime() <= Date.now()) || options?.maxAge === 0) jar.delete(name);
      else jar.set(name, { value, options: options ?? {} });
    },
    delete(name) {
      if (current.readOnly) throw new Error("Cookies can only be modified in a Server Action or Route Handler.");
      jar.delete(typeof name === "object" ? name.name : name);
    },
  };
}
export async function draftMode() { return { isEnabled: false, enable() {}, disable() {} }; }
`;
const hook = `
export async function resolve(specifier, context, nextResolve) {
  if (/(^|\\/)next\\/headers(\\.js)?$/.test(specifier)) {
    return { url: "data:text/javascript," + encodeURIComponent(${JSON.stringify(stub)}), shortCircuit: true };
  }
  return nextResolve(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

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
  readOnly?: boolean;
}

// One scope per simulated request, as Next keeps one per request: concurrent requests of a test
// (two Server Actions racing) each see their own headers and cookies.
const storage = new AsyncLocalStorage<RequestScope>();
(globalThis as { __tetrastackRequestStorage?: AsyncLocalStorage<RequestScope> }).__tetrastackRequestStorage = storage;

/** Runs `fn` as Next runs a Server Action or Server Component render for this scope. */
export async function inRequest<T>(scope: RequestScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** A new scope as Next builds it for a same-origin request over http from `ip`. */
export function requestScope(cookies = new Map<string, ScopeCookie>(), ip = "198.51.100.23"): RequestScope {
  const cookieHeader = [...cookies].map(([name, { value }]) => `${name}=${value}`).join("; ");
  return {
    cookies,
    headers: new Headers({
      host: "localhost:3000",
      "x-forwarded-proto": "http",
      "x-forwarded-for": ip,
      "user-agent": "next-server-action/1.0",
      referer: "http://localhost:3000/login",
      ...(cookieHeader && { cookie: cookieHeader }),
    }),
  };
}

import { UntrustedHostError } from "../../shared/errors.js";
import { warnOnce } from "../../shared/warn-once.js";

// Auth.js refuses every request when it does not trust the Host header (production without
// AUTH_URL or AUTH_TRUST_HOST): a JSON "There was a problem with the server configuration" for
// most of them, which is where a browser ends up after signing in or up under `next start`. The
// entry points check first and answer with something the app can show.

/** @internal The stable code in `?error=` and in {@link UntrustedHostError}. */
export const UNTRUSTED_HOST = "UNTRUSTED_HOST";

/** @internal What is wrong and the two ways to fix it: the typed error's message and the log line. */
export const UNTRUSTED_HOST_MESSAGE =
  "Auth.js does not trust this server's Host header, so every sign-in fails: set AUTH_URL to the app's public URL (for example AUTH_URL=https://example.com), or AUTH_TRUST_HOST=true when a proxy you control sets the Host header. `next dev`, Vercel and Cloudflare Pages need neither; `next start` and other production servers need one.";

/** The endpoints that answer JSON to a `fetch`, not a page to a browser. */
const JSON_ACTIONS = new Set(["session", "csrf", "providers"]);

/** @internal Logs the fix once per process and returns the typed error for a server action to throw. */
export function untrustedHostError(warn: (message: string) => void): UntrustedHostError {
  warnOnce(warn, UNTRUSTED_HOST_MESSAGE);
  return new UntrustedHostError(UNTRUSTED_HOST_MESSAGE);
}

/**
 * @internal The answer of a route handler when the host is not trusted, instead of Auth.js's:
 * JSON endpoints get `{ error: { code, message } }`; a browser is sent to your `pages.error`
 * with `?error=UNTRUSTED_HOST` (a `fetch` from next-auth/react gets that URL as `{ url }`), or,
 * without one, to a plain page that says what to set. Nothing from the request is echoed, and the
 * redirect is relative: the Host header is exactly what is not trusted.
 */
export function untrustedHostResponse(
  request: Request,
  settings: { basePath: string; pages?: { error?: string | undefined } | undefined },
  warn: (message: string) => void,
): Response {
  warnOnce(warn, UNTRUSTED_HOST_MESSAGE);
  const { pathname } = new URL(request.url);
  const action = pathname.startsWith(`${settings.basePath}/`)
    ? pathname.slice(settings.basePath.length + 1).split("/")[0]
    : "";
  if (action && JSON_ACTIONS.has(action)) {
    return Response.json({ error: { code: UNTRUSTED_HOST, message: UNTRUSTED_HOST_MESSAGE } }, { status: 500 });
  }
  const errorPage = settings.pages?.error;
  if (!errorPage && action === "error") return configurationPage();
  const url = `${errorPage ?? `${settings.basePath}/error`}?error=${UNTRUSTED_HOST}`;
  if (request.headers.has("x-auth-return-redirect")) return Response.json({ url });
  return new Response(null, { status: 303, headers: { location: url, "cache-control": "no-store" } });
}

function configurationPage(): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in is not available</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1>Sign-in is not available</h1><p>${escapeHTML(UNTRUSTED_HOST_MESSAGE)}</p><p>Error code: <code>${UNTRUSTED_HOST}</code></p></body></html>`;
  return new Response(html, {
    status: 500,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

function escapeHTML(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

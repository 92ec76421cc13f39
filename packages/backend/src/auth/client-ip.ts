/**
 * The default way to find the client's address: the **last** entry of `X-Forwarded-For`, then
 * `X-Real-IP`. The last entry is the one added by the proxy in front of the app (Vercel sets
 * a single value; nginx, Caddy and load balancers append), whereas the first entries are
 * whatever the client sent. Behind more than one proxy, or Cloudflare, pass your own
 * `rateLimit.clientIP` (e.g. `(h) => h.get("cf-connecting-ip")`).
 */
export function defaultClientIP(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip")?.trim() || null;
}

/** @internal Re-exported for the unit tests beside this file. */
export { ipBucket } from "../shared/ip.js";

import { env } from "../../shared/env.js";
import { UNKNOWN_CLIENT } from "../../shared/rate-limit.js";

/**
 * The default way to find the client's address: the **last** entry of `X-Forwarded-For`, then
 * `X-Real-IP`. The last entry is the one added by the proxy in front of the app (Vercel sets
 * a single value; nginx, Caddy and load balancers append), whereas the first entries are
 * whatever the client sent. Trust it only behind exactly one proxy that appends: without one, the
 * client writes this header itself. Prefer naming where the app runs with `rateLimit.clientIP`
 * (`"vercel"`, `"cloudflare"`, `{ forwardedHops: 1 }`, …).
 */
export function defaultClientIP(headers: Headers): string | null {
  if (!(headers instanceof Headers)) return null;
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip")?.trim() || null;
}

/**
 * Where the app runs, which decides whose word the client address is taken on:
 * - `"vercel"`: `X-Real-IP`, which Vercel's edge sets (it overwrites what the client sent);
 * - `"cloudflare"`: `CF-Connecting-IP` (only if the origin accepts traffic from Cloudflare alone);
 * - `"netlify"`: `X-Nf-Client-Connection-IP`;
 * - `"fly"`: `Fly-Client-IP`;
 * - `{ forwardedHops: n }`: behind `n` reverse proxies that each append to `X-Forwarded-For`
 *   (nginx `$proxy_add_x_forwarded_for`, Caddy, a load balancer): the `n`-th entry from the right;
 * - `"direct"`: nothing in front of the app (`next start` exposed): no header can be trusted, so
 *   every client counts in the shared bucket of unknown clients;
 * - a function of the request headers, for anything else.
 */
export type ClientIPSource =
  | "vercel"
  | "cloudflare"
  | "netlify"
  | "fly"
  | "direct"
  | { forwardedHops: number }
  | ((headers: Headers) => string | null | undefined);

const PLATFORM_HEADERS = {
  vercel: "x-real-ip",
  cloudflare: "cf-connecting-ip",
  netlify: "x-nf-client-connection-ip",
  fly: "fly-client-ip",
} as const;

/** @internal The platform the environment says the app runs on, when it says so. */
export function detectPlatform(platform = env.platform()): ClientIPSource | undefined {
  if (platform.vercel) return "vercel";
  if (platform.netlify) return "netlify";
  if (platform.fly) return "fly";
  return undefined;
}

/**
 * @internal Turns the setting into the function every limit uses. It never returns null for a
 * request: an address that cannot be trusted or parsed is {@link UNKNOWN_CLIENT}, which the
 * limiter counts in one shared bucket, so rotating or garbling headers buys a client nothing.
 */
export function clientIPResolver(source: ClientIPSource | undefined): (headers: Headers) => string {
  if (source === undefined || source === "direct") return () => UNKNOWN_CLIENT;
  if (typeof source === "function") {
    return (headers) => {
      try {
        return source(headers)?.trim() || UNKNOWN_CLIENT;
      } catch {
        // A consumer's clientIP that throws must not break sign-in.
        return UNKNOWN_CLIENT;
      }
    };
  }
  if (typeof source === "object") {
    const hops = source.forwardedHops;
    return (headers) => {
      const entries = headers.get("x-forwarded-for")?.split(",") ?? [];
      // Fewer entries than proxies: the chain is not what was configured; trust none of it.
      return entries.length >= hops ? entries[entries.length - hops]?.trim() || UNKNOWN_CLIENT : UNKNOWN_CLIENT;
    };
  }
  const header = PLATFORM_HEADERS[source];
  return (headers) => headers.get(header)?.trim() || UNKNOWN_CLIENT;
}

/** @internal Re-exported for the unit tests beside this file. */
export { ipBucket } from "../../shared/ip.js";

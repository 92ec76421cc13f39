import { describe, expect, it } from "vitest";
import { UNKNOWN_CLIENT } from "../../shared/rate-limit.js";
import { clientIPResolver, defaultClientIP, detectPlatform, ipBucket } from "./client-ip.js";

describe("defaultClientIP", () => {
  it("takes the last X-Forwarded-For entry, the one the proxy added", () => {
    expect(defaultClientIP(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(defaultClientIP(new Headers({ "x-forwarded-for": " 203.0.113.9 " }))).toBe("203.0.113.9");
  });

  it("falls back to X-Real-IP, then to null", () => {
    expect(defaultClientIP(new Headers({ "x-real-ip": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(defaultClientIP(new Headers())).toBeNull();
    expect(defaultClientIP(new Headers({ "x-forwarded-for": " , " }))).toBeNull();
  });
});

describe("ipBucket", () => {
  it("keeps IPv4 and unwraps IPv4-mapped IPv6", () => {
    expect(ipBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(ipBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("groups IPv6 by /64, whatever the spelling", () => {
    const bucket = ipBucket("2001:db8:1:2::1");
    expect(bucket).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:0DB8:0001:0002:ffff:0:0:9")).toBe(bucket);
    expect(ipBucket("[2001:db8:1:2::5]")).toBe(bucket);
    expect(ipBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(ipBucket("::1")).toBe("0:0:0:0::/64");
  });

  it("gives null for anything that is not an address", () => {
    for (const value of [null, undefined, "", "unknown", "1.2.3", "<script>", "a".repeat(1000)]) {
      expect(ipBucket(value)).toBeNull();
    }
  });
});

describe("clientIPResolver", () => {
  const h = (headers: Record<string, string>) => new Headers(headers);

  it("reads only the header the named platform guarantees", () => {
    const forged = { "x-forwarded-for": "6.6.6.6", "x-real-ip": "203.0.113.1", "cf-connecting-ip": "203.0.113.2" };
    expect(clientIPResolver("vercel")(h(forged))).toBe("203.0.113.1");
    expect(clientIPResolver("cloudflare")(h(forged))).toBe("203.0.113.2");
    expect(clientIPResolver("netlify")(h({ ...forged, "x-nf-client-connection-ip": "203.0.113.3" }))).toBe(
      "203.0.113.3",
    );
    expect(clientIPResolver("fly")(h({ ...forged, "fly-client-ip": "203.0.113.4" }))).toBe("203.0.113.4");
  });

  it("takes the n-th X-Forwarded-For entry from the right behind n appending proxies", () => {
    const chain = h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" });
    expect(clientIPResolver({ forwardedHops: 1 })(chain)).toBe("10.0.0.2");
    expect(clientIPResolver({ forwardedHops: 2 })(chain)).toBe("203.0.113.9");
    // Fewer entries than proxies: the chain is not the configured one, so none of it is trusted.
    expect(clientIPResolver({ forwardedHops: 4 })(chain)).toBe(UNKNOWN_CLIENT);
  });

  it("never lets a client pick its own bucket when the address cannot be known", () => {
    for (const source of [undefined, "direct"] as const) {
      const resolve = clientIPResolver(source);
      expect(resolve(h({ "x-forwarded-for": "203.0.113.50", "x-real-ip": "203.0.113.51" }))).toBe(UNKNOWN_CLIENT);
      expect(resolve(h({}))).toBe(UNKNOWN_CLIENT);
    }
    expect(clientIPResolver("vercel")(h({}))).toBe(UNKNOWN_CLIENT);
    const throwing = clientIPResolver(() => {
      throw new Error("consumer bug");
    });
    expect(throwing(h({}))).toBe(UNKNOWN_CLIENT);
    expect(clientIPResolver(() => null)(h({}))).toBe(UNKNOWN_CLIENT);
  });

  it("detects Vercel, Netlify and Fly.io from their environment, nothing else", () => {
    const none = { vercel: false, netlify: false, fly: false };
    expect(detectPlatform({ ...none, vercel: true })).toBe("vercel");
    expect(detectPlatform({ ...none, netlify: true })).toBe("netlify");
    expect(detectPlatform({ ...none, fly: true })).toBe("fly");
    expect(detectPlatform(none)).toBeUndefined();
  });
});

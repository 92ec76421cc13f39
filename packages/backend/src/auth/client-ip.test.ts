import { describe, expect, it } from "vitest";
import { defaultClientIP, ipBucket } from "./client-ip.js";

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

import { describe, expect, it } from "vitest";
import { normalizeEmail, parseEmail } from "./email.js";

describe("normalizeEmail", () => {
  it("trims, applies NFKC and lower-cases", () => {
    expect(normalizeEmail("  Ann.Lee@Example.COM \n")).toBe("ann.lee@example.com");
    expect(normalizeEmail("ａｎｎ@ｅｘａｍｐｌｅ.com")).toBe("ann@example.com");
    expect(normalizeEmail("\u3000ann@example.com\u3000")).toBe("ann@example.com");
  });
});

describe("parseEmail", () => {
  it("returns the normalised address or null", () => {
    expect(parseEmail(" Bob@Example.org ")).toBe("bob@example.org");
    for (const value of [undefined, null, 42, {}, "", "bob", "bob @example.org", "bob@", `${"a".repeat(400)}@x.io`]) {
      expect(parseEmail(value)).toBeNull();
    }
    expect(parseEmail("b\ud800ob@example.org")).toBeNull();
  });
});

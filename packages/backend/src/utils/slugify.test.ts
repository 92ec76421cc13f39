import { describe, expect, it } from "vitest";
import { ValidationError } from "../shared/errors.js";
import { SLUGIFY_MAX_INPUT_LENGTH, slugify } from "./slugify.js";

describe("slugify", () => {
  it("lower-cases and keeps only [a-z0-9] words joined by dashes", () => {
    expect(slugify("  Hello, World! (2026 edition)  ")).toBe("hello-world-2026-edition");
    expect(slugify("a/b\\c..d\u0000e\ttab")).toBe("abcde-tab");
    expect(slugify("../../etc/passwd")).toBe("etcpasswd");
  });

  it("transliterates, with locale-specific rules when asked", () => {
    expect(slugify("Crème brûlée à Paris")).toBe("creme-brulee-a-paris");
    expect(slugify("Größe über Äpfel")).toBe("grosse-uber-apfel");
    expect(slugify("Größe über Äpfel", { locale: "de" })).toBe("groesse-ueber-aepfel");
    expect(slugify("Привет мир")).toBe("privet-mir");
    expect(slugify("ﬁle №１")).toBe("file-no1");
  });

  it("cuts long slugs at a word boundary", () => {
    const slug = slugify("the quick brown fox jumps over the lazy dog", { maxLength: 20 });
    expect(slug).toBe("the-quick-brown-fox");
    expect(slugify("alpha beta", { maxLength: 6 })).toBe("alpha");
    expect(slugify("alpha beta", { maxLength: 10 })).toBe("alpha-beta");
  });

  it("cuts inside a word only when the first word is longer than the limit", () => {
    expect(slugify("supercalifragilistic word", { maxLength: 5 })).toBe("super");
  });

  it("never returns an empty slug", () => {
    expect(slugify("")).toBe("untitled");
    expect(slugify("!!! ???")).toBe("untitled");
    expect(slugify("日本語", { fallback: "file" })).toBe("file");
  });

  it("is stable and respects the separator", () => {
    const input = "Stable Input — Ünïcode ✓";
    expect(slugify(input)).toBe(slugify(input));
    expect(slugify("one two", { separator: "_" })).toBe("one_two");
    expect(slugify("one two three", { separator: "_", maxLength: 8 })).toBe("one_two");
  });

  it("rejects a bad input or option with a ValidationError", () => {
    expect(() => slugify("x", { maxLength: 0 })).toThrow(ValidationError);
    expect(() => slugify("x", { separator: "/" })).toThrow(ValidationError);
    expect(() => slugify("x", { fallback: "../etc" })).toThrow(ValidationError);
    expect(() => slugify(42 as unknown as string)).toThrow(ValidationError);
    expect(() => slugify("a".repeat(SLUGIFY_MAX_INPUT_LENGTH + 1))).toThrow(ValidationError);
    expect(slugify("a ".repeat(SLUGIFY_MAX_INPUT_LENGTH / 2))).toHaveLength(79);
  });
});

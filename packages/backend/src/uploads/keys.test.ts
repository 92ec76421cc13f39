import { describe, expect, it } from "vitest";
import { isUUIDv7 } from "../utils/uuidv7.js";
import { buildKey, contentDisposition, filenameSchema, splitFilename } from "./keys.js";

describe("buildKey", () => {
  it("builds <prefix>/<uuidv7>/<slug>.<extension>", () => {
    const [prefix, id, name, ...rest] = buildKey("avatars", "My Photo.JPG").split("/");
    expect(rest).toEqual([]);
    expect(prefix).toBe("avatars");
    expect(isUUIDv7(id)).toBe(true);
    expect(name).toBe("my-photo.jpg");
  });

  it("gives a new key for the same filename every time", () => {
    expect(buildKey("a", "x.png")).not.toBe(buildKey("a", "x.png"));
  });

  it.each([
    ["Größe.pdf", "grosse.pdf"],
    ["日本語.pdf", "file.pdf"],
    ["..hidden", "file.hidden"],
    ["snake_case.v2.final.txt", "snake-case-v2-final.txt"],
    ["archive.tar.gz", "archive-tar.gz"],
    ["noextension", "noextension"],
    ["weird.ext-with-dash", "weird-ext-with-dash"],
    ["very.longextension1", "very-longextension1"],
    ["%2e%2e%2fetc.txt", "percent2epercent2epercent2fetc.txt"],
    ["😀", "file"],
  ])("turns %j into the last segment %j", (filename, expected) => {
    expect(buildKey("p", filename).split("/")[2]).toBe(expected);
  });

  it("stays short and safe for any 255-character name", () => {
    const key = buildKey("documents/2025", `${"ünïcødé ".repeat(40).slice(0, 250)}.pdf`);
    expect(key.length).toBeLessThanOrEqual(15 + 36 + 80 + 12);
    expect(key).toMatch(/^[a-z0-9/.-]+$/);
    expect(key.split("/").every((segment) => segment !== ".." && segment !== "." && segment !== "")).toBe(true);
  });
});

describe("splitFilename", () => {
  it("keeps only short alphanumeric extensions, lower-cased", () => {
    expect(splitFilename("Report.Final.PDF")).toEqual({ base: "Report.Final", extension: "pdf" });
    expect(splitFilename(".env")).toEqual({ base: ".env", extension: "" });
    expect(splitFilename("a.b c")).toEqual({ base: "a.b c", extension: "" });
  });
});

describe("filenameSchema", () => {
  it("normalizes to NFC and trims", () => {
    expect(filenameSchema.parse("  Cafe\u0301.pdf ")).toBe("Café.pdf");
  });

  it.each([
    ["", "must not be empty"],
    ["   ", "must not be empty"],
    ["a".repeat(256), "at most 255"],
    ["a".repeat(1024 * 1024), "at most 255"],
    ["a\u0000b", "control characters"],
    ["a\tb", "control characters"],
    ["a\u0085b", "control characters"],
    ["evil\u202Efdp.exe", "control characters"],
    ["../etc/passwd", "not a path"],
    ["a\\b", "not a path"],
    ["..", "not a path"],
  ])("rejects %j", (filename, message) => {
    const result = filenameSchema.safeParse(filename);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join()).toContain(message);
  });

  it("accepts 255 characters of any script", () => {
    expect(filenameSchema.safeParse("日".repeat(255)).success).toBe(true);
  });
});

describe("contentDisposition", () => {
  it("sends a plain ASCII name as filename= alone", () => {
    expect(contentDisposition("Report (final).pdf")).toBe('attachment; filename="Report (final).pdf"');
    expect(contentDisposition("photo.png", "inline")).toBe('inline; filename="photo.png"');
  });

  it("adds an RFC 5987 filename* with an ASCII fallback for other names", () => {
    expect(contentDisposition("Größe & Co's (1).pdf")).toBe(
      "attachment; filename=\"grosse-and-cos-1.pdf\"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%26%20Co%27s%20%281%29.pdf",
    );
    expect(contentDisposition("日本語.txt")).toBe(
      "attachment; filename=\"download.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt",
    );
  });

  it("never lets quotes, backslashes, percent signs or line breaks through unencoded", () => {
    for (const name of ['say "hi".txt', "back\\slash.txt", "100%.txt", "a\r\nSet-Cookie: x.txt"]) {
      const value = contentDisposition(name);
      expect(value).not.toMatch(/[\r\n]/);
      const fallback = /filename="([^"]*)"/.exec(value)?.[1] ?? "";
      expect(fallback).toMatch(/^[\x20-\x7e]+$/);
      expect(fallback).not.toMatch(/["\\%]/);
      expect(value.split("filename*=UTF-8''")[1] ?? "").toMatch(/^[A-Za-z0-9!#$&+.^_`|~%-]*$/);
    }
  });

  it("decodes back to the original name", () => {
    const name = "Ünïcødé — 报告 (2).pdf";
    const encoded = contentDisposition(name).split("filename*=UTF-8''")[1] ?? "";
    expect(decodeURIComponent(encoded)).toBe(name);
  });
});

import { describe, expect, it } from "vitest";
import { downloadFilename, effectiveDisposition, mayShowInline } from "./content-types.js";

describe("downloadFilename", () => {
  it.each([
    ["invoice.html", "image/png", "invoice.png"],
    ["Photo.JPG", "image/jpeg", "Photo.JPG"],
    ["scan.jfif", "image/jpeg", "scan.jfif"],
    ["holiday.png", "image/jpeg", "holiday.jpg"],
    ["report", "application/pdf", "report.pdf"],
    ["report.pdf.", "application/pdf", "report.pdf"],
    ["evil.html.png", "image/png", "evil.html.png"],
    ["archive.tar.gz", "application/gzip", "archive.tar.gz"],
    ["Größe.txt", "text/plain", "Größe.txt"],
    ["data.exe", "application/x-unknown", "data"],
    ["data", "application/x-unknown", "data"],
    [".png", "image/png", ".png"],
    ["...", "image/png", "download.png"],
  ])("names %s stored as %s %s", (filename, contentType, expected) => {
    expect(downloadFilename(filename, contentType)).toBe(expected);
  });
});

describe("effectiveDisposition", () => {
  it("allows inline only for types that cannot run script", () => {
    for (const type of ["image/png", "image/jpeg", "application/pdf", "text/plain", "video/mp4", "audio/mpeg"]) {
      expect(mayShowInline(type), type).toBe(true);
      expect(effectiveDisposition(type, "inline")).toBe("inline");
    }
    for (const type of [
      "text/html",
      "image/svg+xml",
      "application/xml",
      "text/xml",
      "text/javascript",
      "application/x-unknown",
      "audio/x-thing+xml",
    ]) {
      expect(mayShowInline(type), type).toBe(false);
      expect(effectiveDisposition(type, "inline")).toBe("attachment");
    }
    expect(effectiveDisposition("image/png", "attachment")).toBe("attachment");
  });
});

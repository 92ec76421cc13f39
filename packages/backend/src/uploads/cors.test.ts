import { describe, expect, it } from "vitest";
import { ConfigError } from "../shared/errors.js";
import { r2CorsRule } from "./cors.js";

describe("r2CorsRule", () => {
  it("allows PUT, GET and HEAD with content-type from the given origins and exposes ETag", () => {
    expect(r2CorsRule(["https://app.example.com", "http://localhost:3000"])).toEqual({
      AllowedOrigins: ["https://app.example.com", "http://localhost:3000"],
      AllowedMethods: ["PUT", "GET", "HEAD"],
      AllowedHeaders: ["content-type"],
      ExposeHeaders: ["ETag"],
      MaxAgeSeconds: 3600,
    });
  });

  it("takes a preflight cache time up to R2's 86400 seconds", () => {
    expect(r2CorsRule(["https://a.example"], { maxAgeSeconds: 86_400 }).MaxAgeSeconds).toBe(86_400);
    expect(() => r2CorsRule(["https://a.example"], { maxAgeSeconds: 86_401 })).toThrow(ConfigError);
  });

  it("lists every origin that is not a bare origin", () => {
    let error: unknown;
    try {
      r2CorsRule(["https://app.example.com/", "app.example.com", "ftp://x.example", "*"]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      "origins.0",
      "origins.1",
      "origins.2",
      "origins.3",
    ]);
    expect(() => r2CorsRule([])).toThrow(ConfigError);
  });
});

import { describe, expect, it } from "vitest";
import { isTetrastackError, UploadError, type UploadErrorCode } from "./index.js";

describe("UploadError", () => {
  it.each<[UploadErrorCode, number]>([
    ["UPLOAD_POLICY_UNKNOWN", 400],
    ["UPLOAD_TYPE_NOT_ALLOWED", 415],
    ["UPLOAD_TOO_LARGE", 413],
    ["UPLOAD_MULTIPART_REQUIRED", 413],
    ["UPLOAD_NOT_FOUND", 404],
    ["UPLOAD_MISMATCH", 422],
    ["UPLOAD_FORBIDDEN", 403],
    ["UPLOAD_STORAGE_FAILED", 502],
  ])("%s has status %i and is recognized by its brand", (code, status) => {
    const error = new UploadError("nope", { code, cause: new Error("inner") });
    expect(error).toMatchObject({ name: "UploadError", code, status, message: "nope" });
    expect(isTetrastackError(error, code)).toBe(true);
    expect(isTetrastackError(error, "CONFLICT")).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: "UploadError", code, message: "nope" });
  });
});

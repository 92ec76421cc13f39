import { describe, expect, it } from "vitest";
import { createR2Client, describeStorageError, storageErrorKind } from "./r2-client.js";

const client = createR2Client({
  endpoint: "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
  accessKeyId: "test-key-id",
  secretAccessKey: "test-secret",
  bucket: "bucket",
  forcePathStyle: true,
});
const signing = { expiresInSeconds: 600, signingDate: new Date("2025-01-02T03:04:05Z") };

function checksumParameters(url: string): string[] {
  return [...new URL(url).searchParams.keys()].filter((name) =>
    /^x-amz-(checksum-|sdk-checksum-algorithm$)/i.test(name),
  );
}

describe("createR2Client", () => {
  it("presigns a PUT binding content-type, content-length and metadata, without checksum parameters", async () => {
    const url = await client.presignPut({
      key: "avatar/k/a.png",
      contentType: "image/png",
      contentLength: 42,
      metadata: { owner: "u1" },
      ...signing,
    });
    const parsed = new URL(url);
    expect(parsed.host).toBe("0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    expect(parsed.pathname).toBe("/bucket/avatar/k/a.png");
    expect(parsed.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(parsed.searchParams.get("X-Amz-Credential")).toBe("test-key-id/20250102/auto/s3/aws4_request");
    expect(parsed.searchParams.get("X-Amz-Date")).toBe("20250102T030405Z");
    expect(parsed.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(parsed.searchParams.get("x-amz-meta-owner")).toBe("u1");
    expect(checksumParameters(url)).toEqual([]);
    expect(url).not.toContain("test-secret");
  });

  it("presigns upload parts and downloads without checksum parameters", async () => {
    const part = await client.presignUploadPart({
      key: "k",
      uploadId: "up",
      partNumber: 2,
      contentLength: 5,
      ...signing,
    });
    expect(new URL(part).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
    expect(new URL(part).searchParams.get("partNumber")).toBe("2");
    expect(checksumParameters(part)).toEqual([]);
    const get = await client.presignGet({
      key: "k",
      contentDisposition: 'attachment; filename="a.pdf"',
      contentType: "application/pdf",
      ...signing,
    });
    expect(new URL(get).searchParams.get("response-content-disposition")).toBe('attachment; filename="a.pdf"');
    expect(new URL(get).searchParams.get("response-content-type")).toBe("application/pdf");
    expect(checksumParameters(get)).toEqual([]);
  });
});

describe("storageErrorKind", () => {
  it.each([
    [{ name: "NotFound", $metadata: { httpStatusCode: 404 } }, "not-found"],
    [{ name: "NoSuchKey" }, "not-found"],
    [{ name: "Unknown", $metadata: { httpStatusCode: 404 } }, "not-found"],
    [{ name: "NoSuchUpload", $metadata: { httpStatusCode: 404 } }, "no-such-upload"],
    [{ name: "InvalidPart" }, "invalid-part"],
    [{ name: "EntityTooSmall" }, "invalid-part"],
    [{ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } }, "precondition-failed"],
    [{ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } }, "other"],
    [new TypeError("fetch failed"), "other"],
    ["string", "other"],
  ])("sorts %j as %s", (error, kind) => {
    expect(storageErrorKind(error)).toBe(kind);
  });

  it("describes an error by name and status only", () => {
    expect(
      describeStorageError({ name: "AccessDenied", message: "secret stuff", $metadata: { httpStatusCode: 403 } }),
    ).toEqual({
      name: "AccessDenied",
      status: 403,
    });
    expect(describeStorageError(null)).toEqual({ name: "UnknownError", status: undefined });
  });
});

import { inspect } from "node:util";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../src/database/index.js";
import {
  ConfigError,
  createUploads,
  r2CorsRule,
  type UploadErrorCode,
  type Uploads,
  ValidationError,
} from "../src/uploads/index.js";
import { uuidv7 } from "../src/utils/index.js";
import { uploads as uploadsTable, users } from "./engines/tables.js";
import { createTestDatabase, rejectsWithCode } from "./helpers.js";
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from "./s3-server.js";

const APP_ORIGIN = "http://app.test";
/** A secret that must never show up in an error; used wherever a wrong or fake secret is needed. */
const CANARY_SECRET = "canary-secret-7f3a9c0e1b2d4f6a8c9e0b1d3f5a7c9e";

let s3: TestS3Server;
let db: Database;
let cleanupDatabase: () => void;
let uploads: Uploads;
let raw: S3Client;
let alice: string;
let bob: string;
/** Every error the API threw in this file, checked for secrets at the end. */
const thrown: unknown[] = [];

beforeAll(async () => {
  s3 = await startS3Server({ cors: r2CorsRule([APP_ORIGIN]) });
  const t = await createTestDatabase();
  db = t.db;
  cleanupDatabase = t.cleanup;
  uploads = createUploads({ db, endpoint: s3.endpoint, bucket: s3.bucket, ...S3RVER_CREDENTIALS });
  // A plain S3 client with the server's keys, standing in for anyone who writes to the bucket directly.
  raw = new S3Client({
    region: "auto",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const inserted = await db
    .insert(users)
    .values([{ email: "alice@example.com" }, { email: "bob@example.com" }])
    .returning();
  alice = inserted[0]?.id ?? "";
  bob = inserted[1]?.id ?? "";
});

afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
  cleanupDatabase?.();
});

/** Awaits `action`, expecting it to reject with an UploadError of `code`; returns the error. */
async function rejectsWith(action: Promise<unknown>, code: UploadErrorCode | "VALIDATION_FAILED"): Promise<Error> {
  const error = await rejectsWithCode(action, code);
  thrown.push(error);
  return error;
}

function bytes(size: number, fill = 7): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).fill(fill);
}

async function rowCount(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(uploadsTable);
  return row?.n ?? 0;
}

async function rowOf(key: string) {
  const [row] = await db.select().from(uploadsTable).where(eq(uploadsTable.key, key));
  return row;
}

async function put(url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>): Promise<Response> {
  return fetch(url, { method: "PUT", headers, body });
}

describe("createUploads", () => {
  it("is created without R2 variables (as in `next build`) and rejects the first use of storage with one ConfigError naming each", async () => {
    vi.stubEnv("R2_ACCOUNT_ID", "");
    vi.stubEnv("R2_ACCESS_KEY_ID", "");
    vi.stubEnv("R2_SECRET_ACCESS_KEY", "");
    vi.stubEnv("R2_BUCKET", "");
    try {
      const unconfigured = createUploads({ db });
      expect(unconfigured.multipartThreshold).toBe(100 * 1024 * 1024);
      // The uploads table needs no credentials.
      expect((await unconfigured.listUploads(alice)).items).toBeInstanceOf(Array);
      const input = { policy: "document", filename: "a.pdf", contentType: "application/pdf", size: 10, ownerId: alice };
      // Every use of storage, each time: nothing half-configured is kept.
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await unconfigured.createUploadURL(input).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        thrown.push(error);
        expect(error).toBeInstanceOf(ConfigError);
        const configError = error as ConfigError;
        expect(configError.issues.map((issue) => issue.path).sort()).toEqual([
          "accessKeyId",
          "accountId",
          "bucket",
          "secretAccessKey",
        ]);
        for (const variable of ["R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET"]) {
          expect(configError.message).toContain(variable);
        }
      }
      // Set later (the server's environment, not the build's): the same instance now signs.
      vi.stubEnv("R2_ACCOUNT_ID", "0123456789abcdef0123456789abcdef");
      vi.stubEnv("R2_ACCESS_KEY_ID", "env-key-id");
      vi.stubEnv("R2_SECRET_ACCESS_KEY", CANARY_SECRET);
      vi.stubEnv("R2_BUCKET", "env-bucket");
      const signed = await unconfigured.createUploadURL(input);
      expect(new URL(signed.url).host).toBe("0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("still refuses bad options at creation, credentials given with the wrong type included", () => {
    const error = (() => {
      try {
        createUploads({ db, expiresInSeconds: 0, accessKeyId: 42 as never });
      } catch (caught) {
        return caught;
      }
    })();
    thrown.push(error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual([
      "accessKeyId",
      "expiresInSeconds",
    ]);
  });

  it("reads the credentials from the R2_* environment variables and signs for the R2 endpoint", async () => {
    vi.stubEnv("R2_ACCOUNT_ID", "0123456789abcdef0123456789abcdef");
    vi.stubEnv("R2_ACCESS_KEY_ID", "env-key-id");
    vi.stubEnv("R2_SECRET_ACCESS_KEY", CANARY_SECRET);
    vi.stubEnv("R2_BUCKET", "env-bucket");
    try {
      const fromEnv = createUploads({ db });
      const signed = await fromEnv.createUploadURL({
        policy: "document",
        filename: "a.pdf",
        contentType: "application/pdf",
        size: 10,
        ownerId: alice,
      });
      const url = new URL(signed.url);
      expect(url.origin).toBe("https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
      expect(url.pathname).toBe(`/env-bucket/_staging/${signed.key}`);
      expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^env-key-id\/\d{8}\/auto\/s3\/aws4_request$/);
      expect(signed.url).not.toContain(CANARY_SECRET);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("lists every invalid option in one ConfigError and never repeats the secret", () => {
    let error: unknown;
    try {
      createUploads({
        db,
        endpoint: "ftp://example.com",
        accessKeyId: "id",
        secretAccessKey: CANARY_SECRET,
        bucket: s3.bucket,
        expiresInSeconds: 604_801,
        policies: {
          "bad name": { contentTypes: ["image/png"], maxBytes: 1 },
          ok: { contentTypes: ["nope"], maxBytes: -1 },
        },
        multipart: { partSize: 1024 },
      });
    } catch (caught) {
      error = caught;
    }
    thrown.push(error);
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "endpoint",
        "expiresInSeconds",
        "policies.bad name",
        "policies.ok.contentTypes.0",
        "policies.ok.maxBytes",
        "multipart.partSize",
      ]),
    );
  });
});

describe("createUploadURL", () => {
  it("returns a URL a browser-style PUT with the returned headers succeeds with, and records it pending", async () => {
    const before = await rowCount();
    const signed = await uploads.createUploadURL({
      policy: "avatar",
      filename: "Me at the beach.PNG",
      contentType: "image/png",
      size: 1234,
      ownerId: alice,
    });
    expect(signed.method).toBe("PUT");
    expect(signed.headers).toEqual({ "Content-Type": "image/png" });
    expect(signed.key).toMatch(
      /^avatar\/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\/me-at-the-beach\.png$/,
    );
    expect(signed.expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(signed.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    expect(await rowCount()).toBe(before + 1);
    expect(await rowOf(signed.key)).toMatchObject({ status: "pending", ownerId: alice, size: 1234, policy: "avatar" });

    const response = await put(signed.url, { ...signed.headers, Origin: APP_ORIGIN }, bytes(1234));
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("ETag");

    const record = await uploads.completeUpload({ key: signed.key, ownerId: alice });
    expect(record).toMatchObject({
      key: signed.key,
      status: "uploaded",
      filename: "Me at the beach.PNG",
      contentType: "image/png",
      size: 1234,
      publicURL: null,
    });
    expect(record.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it("signs Content-Type, Content-Length and the owner, and adds no checksum parameters", async () => {
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename: "contract.pdf",
      contentType: "application/pdf",
      size: 99,
      ownerId: alice,
    });
    const query = new URL(signed.url).searchParams;
    expect(query.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(query.get("x-amz-meta-owner")).toBe(alice);
    expect(query.get("X-Amz-Expires")).toBe("600");
    const names = [...query.keys()].map((name) => name.toLowerCase());
    expect(names.filter((name) => name.startsWith("x-amz-checksum-"))).toEqual([]);
    expect(names).not.toContain("x-amz-sdk-checksum-algorithm");
  });

  describe("the server refuses a PUT that differs from what was signed (403)", () => {
    async function signAvatar(size = 100) {
      return uploads.createUploadURL({
        policy: "avatar",
        filename: "face.jpg",
        contentType: "image/jpeg",
        size,
        ownerId: alice,
      });
    }

    it("with a different content type", async () => {
      const signed = await signAvatar();
      expect((await put(signed.url, { "Content-Type": "image/png" }, bytes(100))).status).toBe(403);
      expect((await put(signed.url, { "Content-Type": "text/html" }, bytes(100))).status).toBe(403);
      await rejectsWith(uploads.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_NOT_FOUND");
    });

    it("with a different size", async () => {
      const signed = await signAvatar();
      expect((await put(signed.url, signed.headers, bytes(101))).status).toBe(403);
      expect((await put(signed.url, signed.headers, bytes(99))).status).toBe(403);
      await rejectsWith(uploads.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_NOT_FOUND");
    });

    it("to a changed key", async () => {
      const signed = await signAvatar();
      const otherKey = signed.key.replace(/\/[0-9a-f-]{36}\//, `/${uuidv7()}/`);
      const tampered = signed.url.replace(signed.key, otherKey);
      expect(tampered).not.toBe(signed.url);
      expect((await put(tampered, signed.headers, bytes(100))).status).toBe(403);
      expect(await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: otherKey })).catch((e) => e.name)).toBe(
        "NotFound",
      );
    });

    it("with a tampered owner metadata parameter", async () => {
      const signed = await signAvatar();
      const tampered = signed.url.replace(`x-amz-meta-owner=${alice}`, `x-amz-meta-owner=${bob}`);
      expect(tampered).not.toBe(signed.url);
      expect((await put(tampered, signed.headers, bytes(100))).status).toBe(403);
      const dropped = signed.url.replace(`&x-amz-meta-owner=${alice}`, "");
      expect(dropped).not.toBe(signed.url);
      expect((await put(dropped, signed.headers, bytes(100))).status).toBe(403);
    });

    it("after the URL expired", async () => {
      const shortLived = createUploads({
        db,
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        expiresInSeconds: 1,
        ...S3RVER_CREDENTIALS,
      });
      const signed = await shortLived.createUploadURL({
        policy: "avatar",
        filename: "late.png",
        contentType: "image/png",
        size: 10,
        ownerId: alice,
      });
      expect(new URL(signed.url).searchParams.get("X-Amz-Expires")).toBe("1");
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, signed.expiresAt.getTime() - Date.now()) + 1200));
      const response = await put(signed.url, signed.headers, bytes(10));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("expired");
    });
  });

  it("refuses a type outside the policy, a file over its limit, an unknown policy and oversize single PUTs", async () => {
    const before = await rowCount();
    const file = { filename: "x.png", contentType: "image/png", size: 10, ownerId: alice };
    await rejectsWith(
      uploads.createUploadURL({ ...file, policy: "avatar", contentType: "image/svg+xml" }),
      "UPLOAD_TYPE_NOT_ALLOWED",
    );
    await rejectsWith(uploads.createUploadURL({ ...file, policy: "document" }), "UPLOAD_TYPE_NOT_ALLOWED");
    await rejectsWith(
      uploads.createUploadURL({ ...file, policy: "avatar", size: 2 * 1024 * 1024 + 1 }),
      "UPLOAD_TOO_LARGE",
    );
    await rejectsWith(uploads.createUploadURL({ ...file, policy: "avatar", size: 2 ** 52 }), "UPLOAD_TOO_LARGE");
    for (const policy of ["video", "__proto__", "constructor", "toString"]) {
      await rejectsWith(uploads.createUploadURL({ ...file, policy }), "UPLOAD_POLICY_UNKNOWN");
    }
    const big = createUploads({
      db,
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      ...S3RVER_CREDENTIALS,
      policies: { video: { contentTypes: ["video/*"], maxBytes: 1024 ** 3 } },
    });
    await rejectsWith(
      big.createUploadURL({ ...file, policy: "video", contentType: "video/mp4", size: 100 * 1024 * 1024 + 1 }),
      "UPLOAD_MULTIPART_REQUIRED",
    );
    expect(await rowCount()).toBe(before);
  });

  it.each<[string, unknown]>([
    ["no input", undefined],
    ["null", null],
    ["a string", "avatar"],
    ["missing fields", { policy: "avatar" }],
    ["a numeric filename", { policy: "avatar", filename: 42, contentType: "image/png", size: 1, ownerId: "u" }],
    ["a string size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: "10", ownerId: "u" }],
    ["a negative size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: -1 }],
    ["a zero size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: 0 }],
    ["a fractional size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: 1.5 }],
    ["a NaN size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: Number.NaN }],
    ["a huge size", { policy: "avatar", filename: "a.png", contentType: "image/png", size: 1e20 }],
    [
      "an infinite size",
      { policy: "avatar", filename: "a.png", contentType: "image/png", size: Number.POSITIVE_INFINITY },
    ],
    [
      "a 1 MB filename",
      { policy: "avatar", filename: `${"a".repeat(1024 * 1024)}.png`, contentType: "image/png", size: 1 },
    ],
    ["an empty filename", { policy: "avatar", filename: "  ", contentType: "image/png", size: 1 }],
    ["a NUL in the filename", { policy: "avatar", filename: "a\u0000.png", contentType: "image/png", size: 1 }],
    [
      "a newline in the filename",
      { policy: "avatar", filename: "a\r\nX-Evil: 1.png", contentType: "image/png", size: 1 },
    ],
    [
      "a bidi override in the filename",
      { policy: "avatar", filename: "invoice\u202Egnp.exe", contentType: "image/png", size: 1 },
    ],
    ["../ in the filename", { policy: "avatar", filename: "../../etc/passwd.png", contentType: "image/png", size: 1 }],
    ["a backslash path", { policy: "avatar", filename: "..\\..\\win.ini", contentType: "image/png", size: 1 }],
    ["a filename of ..", { policy: "avatar", filename: "..", contentType: "image/png", size: 1 }],
    ["a content type with parameters", { policy: "avatar", filename: "a.png", contentType: "image/png; x=y", size: 1 }],
    ["a content type with a newline", { policy: "avatar", filename: "a.png", contentType: "image/png\nx", size: 1 }],
    [
      "an owner id with spaces",
      { policy: "avatar", filename: "a.png", contentType: "image/png", size: 1, ownerId: "a b" },
    ],
    ["an unknown owner", { policy: "avatar", filename: "a.png", contentType: "image/png", size: 1, ownerId: "nobody" }],
  ])("rejects %s with a ValidationError and writes no row", async (_, input) => {
    const withOwner =
      input && typeof input === "object" && !("ownerId" in input) && "filename" in input
        ? { ...input, ownerId: alice }
        : input;
    const before = await rowCount();
    const error = await rejectsWith(
      uploads.createUploadURL(withOwner as Parameters<Uploads["createUploadURL"]>[0]),
      "VALIDATION_FAILED",
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.length).toBeGreaterThan(0);
    expect(await rowCount()).toBe(before);
  });

  it("builds safe keys from unicode and hostile filenames", async () => {
    const cases: [string, RegExp][] = [
      ["Größe Ärger 😀.JPEG", /^avatar\/[0-9a-f-]{36}\/grosse-arger\.jpeg$/],
      ["日本語.png", /^avatar\/[0-9a-f-]{36}\/file\.png$/],
      ['<img src=x onerror="alert(1)">.gif', /^avatar\/[0-9a-f-]{36}\/lessimg-srcx-onerroralert1greater\.gif$/],
      ["CON.png", /^avatar\/[0-9a-f-]{36}\/con\.png$/],
      ["....png", /^avatar\/[0-9a-f-]{36}\/file\.png$/],
      [`${"long name ".repeat(25)}.webp`, /^avatar\/[0-9a-f-]{36}\/[a-z0-9-]{1,80}\.webp$/],
    ];
    for (const [filename, pattern] of cases) {
      const signed = await uploads.createUploadURL({
        policy: "avatar",
        filename,
        contentType: "image/png",
        size: 1,
        ownerId: alice,
      });
      expect(signed.key).toMatch(pattern);
      expect((await rowOf(signed.key))?.filename).toBe(filename.normalize("NFC"));
    }
  });
});

describe("completeUpload", () => {
  async function signDocument(owner = alice) {
    return uploads.createUploadURL({
      policy: "document",
      filename: "notes.pdf",
      contentType: "application/pdf",
      size: 64,
      ownerId: owner,
    });
  }

  it("refuses someone else's key with UPLOAD_FORBIDDEN and leaves the record alone", async () => {
    const signed = await signDocument();
    expect((await put(signed.url, signed.headers, bytes(64))).status).toBe(200);
    await rejectsWith(uploads.completeUpload({ key: signed.key, ownerId: bob }), "UPLOAD_FORBIDDEN");
    expect((await rowOf(signed.key))?.status).toBe("pending");
    expect((await uploads.completeUpload({ key: signed.key, ownerId: alice })).status).toBe("uploaded");
  });

  it("reports an unknown key as UPLOAD_NOT_FOUND", async () => {
    await rejectsWith(uploads.completeUpload({ key: "document/nope/nope.pdf", ownerId: alice }), "UPLOAD_NOT_FOUND");
  });

  it.each<[string, { ContentType: string; Body: Uint8Array<ArrayBuffer>; Metadata: Record<string, string> }]>([
    ["a different content type", { ContentType: "text/html", Body: bytes(64), Metadata: { owner: "ALICE" } }],
    ["a different size", { ContentType: "application/pdf", Body: bytes(65), Metadata: { owner: "ALICE" } }],
    ["another owner", { ContentType: "application/pdf", Body: bytes(64), Metadata: { owner: "BOB" } }],
    ["no owner", { ContentType: "application/pdf", Body: bytes(64), Metadata: {} }],
  ])("rejects and deletes an object with %s", async (_, object) => {
    const signed = await signDocument();
    const owners: Record<string, string> = { ALICE: alice, BOB: bob };
    const metadata = Object.fromEntries(
      Object.entries(object.Metadata).map(([name, value]) => [name, owners[value] ?? value]),
    );
    // Written where the presigned PUT goes, the upload's staging key.
    const staging = `_staging/${signed.key}`;
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: staging, ...object, Metadata: metadata }));
    const error = await rejectsWith(uploads.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_MISMATCH");
    expect(error.message).toMatch(/rejected and deleted/);
    for (const key of [staging, signed.key]) {
      expect(await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).catch((e) => e.name)).toBe(
        "NotFound",
      );
    }
    expect((await rowOf(signed.key))?.status).toBe("deleted");
    await rejectsWith(uploads.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_NOT_FOUND");
  });

  it("rejects bad input with a ValidationError", async () => {
    await rejectsWith(uploads.completeUpload({ key: "", ownerId: alice }), "VALIDATION_FAILED");
    await rejectsWith(uploads.completeUpload({ key: "k".repeat(2000), ownerId: alice }), "VALIDATION_FAILED");
    await rejectsWith(uploads.completeUpload(null as never), "VALIDATION_FAILED");
  });
});

describe("createDownloadURL", () => {
  async function uploaded(filename: string, body: Uint8Array<ArrayBuffer>) {
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename,
      contentType: "application/pdf",
      size: body.byteLength,
      ownerId: alice,
    });
    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
    await uploads.completeUpload({ key: signed.key, ownerId: alice });
    return signed.key;
  }

  it("returns the bytes with the original filename as an attachment, or inline", async () => {
    const body = new TextEncoder().encode("%PDF-1.7 quarterly numbers");
    const key = await uploaded("Quarterly report 2025.pdf", body);
    const download = await uploads.createDownloadURL(key, { ownerId: alice });
    expect(download.method).toBe("GET");
    const response = await fetch(download.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="Quarterly report 2025.pdf"');
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);

    const inline = await fetch((await uploads.createDownloadURL(key, { ownerId: alice, disposition: "inline" })).url);
    expect(inline.headers.get("content-disposition")).toBe('inline; filename="Quarterly report 2025.pdf"');
  });

  it("signs an RFC 6266 disposition with a UTF-8 filename* and an ASCII fallback for unicode names", async () => {
    const key = await uploaded("Größe Bericht — 日本.pdf", bytes(8));
    const download = await uploads.createDownloadURL(key, { ownerId: alice });
    const url = new URL(download.url);
    expect(url.searchParams.get("response-content-disposition")).toBe(
      "attachment; filename=\"grosse-bericht.pdf\"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20Bericht%20%E2%80%94%20%E6%97%A5%E6%9C%AC.pdf",
    );
    // SigV4 needs RFC 3986 encoding in the query (`'` → %27, `*` → %2A), which S3 and R2 verify.
    // s3rver 4.0.4 canonicalizes with encodeURIComponent, which leaves `'` and `*` alone, so it
    // answers 403 to this (correct) URL; the ASCII case above is the round trip it can verify.
    expect(download.url).toContain("filename%2A%3DUTF-8%27%27Gr%25C3%25B6");
  });

  it("refuses someone else's key, a pending upload and an unknown key", async () => {
    const key = await uploaded("mine.pdf", bytes(3));
    await rejectsWith(uploads.createDownloadURL(key, { ownerId: bob }), "UPLOAD_FORBIDDEN");
    const pending = await uploads.createUploadURL({
      policy: "document",
      filename: "later.pdf",
      contentType: "application/pdf",
      size: 5,
      ownerId: alice,
    });
    await rejectsWith(uploads.createDownloadURL(pending.key, { ownerId: alice }), "UPLOAD_NOT_FOUND");
    await rejectsWith(uploads.createDownloadURL("document/none/none.pdf", { ownerId: alice }), "UPLOAD_NOT_FOUND");
    await rejectsWith(
      uploads.createDownloadURL(key, { ownerId: alice, disposition: "evil" as never }),
      "VALIDATION_FAILED",
    );
    await rejectsWith(
      uploads.createDownloadURL(key, { ownerId: alice, expiresInSeconds: 604_801 }),
      "VALIDATION_FAILED",
    );
  });
});

describe("deleteUpload", () => {
  it("removes the object, marks the record deleted and is idempotent", async () => {
    const signed = await uploads.createUploadURL({
      policy: "avatar",
      filename: "old.png",
      contentType: "image/png",
      size: 4,
      ownerId: alice,
    });
    await put(signed.url, signed.headers, bytes(4));
    await uploads.completeUpload({ key: signed.key, ownerId: alice });
    const download = await uploads.createDownloadURL(signed.key, { ownerId: alice });

    await rejectsWith(uploads.deleteUpload(signed.key, { ownerId: bob }), "UPLOAD_FORBIDDEN");
    const deleted = await uploads.deleteUpload(signed.key, { ownerId: alice });
    expect(deleted.status).toBe("deleted");
    expect((await fetch(download.url)).status).toBe(404);
    expect((await uploads.deleteUpload(signed.key, { ownerId: alice })).status).toBe("deleted");
    await rejectsWith(uploads.createDownloadURL(signed.key, { ownerId: alice }), "UPLOAD_NOT_FOUND");
    await rejectsWith(uploads.deleteUpload("avatar/none/none.png", { ownerId: alice }), "UPLOAD_NOT_FOUND");
  });
});

describe("listUploads", () => {
  it("lists a user's uploads newest first, by status, a page at a time", async () => {
    const [carol] = await db.insert(users).values({ email: "carol@example.com" }).returning();
    const owner = carol?.id ?? "";
    const keys: string[] = [];
    for (let index = 0; index < 5; index++) {
      const signed = await uploads.createUploadURL({
        policy: "avatar",
        filename: `photo-${index}.png`,
        contentType: "image/png",
        size: 3,
        ownerId: owner,
      });
      keys.push(signed.key);
      if (index % 2 === 0) {
        await put(signed.url, signed.headers, bytes(3));
        await uploads.completeUpload({ key: signed.key, ownerId: owner });
      }
    }
    const uploaded = await uploads.listUploads(owner);
    expect(uploaded.items.map((item) => item.key)).toEqual([keys[4], keys[2], keys[0]]);
    expect(uploaded.nextCursor).toBeNull();

    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await uploads.listUploads(owner, { status: ["pending", "uploaded"], limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items.map((item) => item.key));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toEqual([...keys].reverse());

    const pending = await uploads.listUploads(owner, { status: "pending" });
    expect(pending.items.map((item) => item.filename)).toEqual(["photo-3.png", "photo-1.png"]);
    expect(
      (await uploads.listUploads(alice, { status: "uploaded" })).items.every((item) => item.ownerId === alice),
    ).toBe(true);

    await rejectsWith(uploads.listUploads(owner, { cursor: "not-a-cursor" }), "VALIDATION_FAILED");
    await rejectsWith(uploads.listUploads(owner, { limit: 0 }), "VALIDATION_FAILED");
    await rejectsWith(uploads.listUploads(owner, { status: "gone" as never }), "VALIDATION_FAILED");
  });
});

describe("bucket CORS (r2CorsRule)", () => {
  async function preflight(origin: string, method = "PUT"): Promise<Response> {
    const url = `${s3.endpoint}/${s3.bucket}/avatar/${uuidv7()}/x.png`;
    return fetch(url, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type",
      },
    });
  }

  it("allows the app origin's preflight for PUT with content-type", async () => {
    const response = await preflight(APP_ORIGIN);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("refuses another origin and an unlisted method", async () => {
    expect((await preflight("https://evil.example")).status).toBe(403);
    expect((await preflight(APP_ORIGIN, "DELETE")).status).toBe(403);
  });
});

describe("secrets", () => {
  it("never puts the secret into a storage error", async () => {
    const wrong = createUploads({
      db,
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
      secretAccessKey: CANARY_SECRET,
    });
    const signed = await wrong.createUploadURL({
      policy: "avatar",
      filename: "a.png",
      contentType: "image/png",
      size: 2,
      ownerId: alice,
    });
    expect((await put(signed.url, signed.headers, bytes(2))).status).toBe(403);
    const error = await rejectsWith(wrong.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_STORAGE_FAILED");
    expect(error.message).toMatch(/HTTP 403/);
    expect(inspect(error, { depth: 10 })).not.toContain(CANARY_SECRET);
  });

  it("keeps the secret out of every error thrown in this file", () => {
    expect(thrown.length).toBeGreaterThan(30);
    for (const error of thrown) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain(CANARY_SECRET);
      expect(JSON.stringify(error)).not.toContain(CANARY_SECRET);
      expect((error as Error).message).not.toContain(S3RVER_CREDENTIALS.secretAccessKey);
      expect(JSON.stringify(error)).not.toContain(S3RVER_CREDENTIALS.secretAccessKey);
    }
  });
});

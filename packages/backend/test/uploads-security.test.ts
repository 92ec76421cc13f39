/**
 * Regression tests for the review of `/uploads`: each reproduces an attack or a footgun through
 * the public functions, on a libSQL file database and the signature-verifying s3rver, and shows
 * it refused. Nothing is mocked; the one helper in the middle is a pass-through proxy that lets a
 * test replay a PUT between two storage calls of a completion.
 */
import { createHash, randomBytes } from "node:crypto";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database/index.js";
import {
  createUploads,
  type PresignedPart,
  r2CorsRule,
  type UploadRecord,
  type Uploads,
  type UploadsOptions,
} from "../src/uploads/index.js";
import { rateLimits, uploads as uploadsTable, users } from "./engines/tables.js";
import { createTestDatabase, rejectsWithCode } from "./helpers.js";
import { S3RVER_CREDENTIALS, startS3Proxy, startS3Server, type TestS3Proxy, type TestS3Server } from "./s3-server.js";

const MiB = 1024 * 1024;
const APP_ORIGIN = "http://app.test";

let s3: TestS3Server;
let db: Database;
let cleanupDatabase: () => void;
let raw: S3Client;
let alice: string;
let bob: string;

/** An uploads instance on the test server; rate limits off unless a test turns them on. */
function makeUploads(overrides: Partial<UploadsOptions> = {}, endpoint = s3.endpoint): Uploads {
  return createUploads({
    db,
    endpoint,
    bucket: s3.bucket,
    ...S3RVER_CREDENTIALS,
    rateLimit: { enabled: false },
    ...overrides,
  });
}

beforeAll(async () => {
  s3 = await startS3Server({ cors: r2CorsRule([APP_ORIGIN]) });
  const t = await createTestDatabase();
  db = t.db;
  cleanupDatabase = t.cleanup;
  raw = new S3Client({
    region: "auto",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  [alice, bob] = (await newUsers(2)) as [string, string];
});

afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
  cleanupDatabase?.();
});

let userCount = 0;
async function newUsers(n: number): Promise<string[]> {
  const rows = await db
    .insert(users)
    .values(Array.from({ length: n }, () => ({ email: `user-${++userCount}@example.com` })))
    .returning();
  return rows.map((row) => row.id);
}

function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

async function put(url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>): Promise<Response> {
  return fetch(url, { method: "PUT", headers, body });
}

async function download(uploads: Uploads, key: string, ownerId: string): Promise<Uint8Array> {
  const response = await fetch((await uploads.createDownloadURL(key, { ownerId })).url);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

async function storedETag(key: string): Promise<string | null> {
  try {
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    return head.ETag?.replaceAll('"', "") ?? null;
  } catch {
    return null;
  }
}

async function uploadRows(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(uploadsTable);
  return row?.n ?? 0;
}

describe("replay after completion", () => {
  it("serves exactly the verified bytes after the presigned PUT is replayed with other bytes", async () => {
    const uploads = makeUploads();
    const original = new Uint8Array(randomBytes(4096));
    const replacement = new Uint8Array(randomBytes(4096));
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename: "contract.pdf",
      contentType: "application/pdf",
      size: original.byteLength,
      ownerId: alice,
    });
    expect((await put(signed.url, signed.headers, original)).status).toBe(200);
    const record = await uploads.completeUpload({ key: signed.key, ownerId: alice });
    expect(record.etag).toBe(md5(original));

    // The attack: the same URL, still within its lifetime, with other bytes of the same length and type.
    const replay = await put(signed.url, signed.headers, replacement);
    expect([200, 412]).toContain(replay.status);

    expect(Buffer.from(await download(uploads, signed.key, alice)).equals(Buffer.from(original))).toBe(true);
    expect(await storedETag(signed.key)).toBe(record.etag);
    // Completing again touches nothing: it does not pick up what the replay left in staging.
    const again = await uploads.completeUpload({ key: signed.key, ownerId: alice });
    expect(again.etag).toBe(record.etag);
    expect(Buffer.from(await download(uploads, signed.key, alice)).equals(Buffer.from(original))).toBe(true);
    const [row] = await db.select().from(uploadsTable).where(eq(uploadsTable.key, signed.key));
    expect(row?.etag).toBe(md5(original));
  });

  it("signs the PUT for a staging key only and removes the staging object on completion", async () => {
    const uploads = makeUploads();
    const body = new Uint8Array(randomBytes(100));
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename: "a.pdf",
      contentType: "application/pdf",
      size: 100,
      ownerId: alice,
    });
    expect(new URL(signed.url).pathname).toBe(`/${s3.bucket}/_staging/${signed.key}`);
    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
    expect(await storedETag(signed.key)).toBeNull();
    await uploads.completeUpload({ key: signed.key, ownerId: alice });
    expect(await storedETag(signed.key)).toBe(md5(body));
    expect(await storedETag(`_staging/${signed.key}`)).toBeNull();
    // The copy keeps the verified type and owner metadata.
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: signed.key }));
    expect(head.ContentType).toBe("application/pdf");
    expect(head.Metadata?.owner).toBe(alice);
  });

  describe("a replay between the check and the copy", () => {
    let proxy: TestS3Proxy;
    let replayBeforeCopy: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      proxy = await startS3Proxy(s3.endpoint, async (incoming) => {
        if (incoming.method === "PUT" && incoming.headers["x-amz-copy-source"] && replayBeforeCopy) {
          const replay = replayBeforeCopy;
          replayBeforeCopy = undefined;
          await replay();
        }
      });
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    it("is caught by the copy's ETag check: nothing unverified is kept or served", async () => {
      const uploads = makeUploads({}, proxy.endpoint);
      const original = new Uint8Array(randomBytes(512));
      const replacement = new Uint8Array(randomBytes(512));
      const signed = await uploads.createUploadURL({
        policy: "document",
        filename: "race.pdf",
        contentType: "application/pdf",
        size: 512,
        ownerId: alice,
      });
      expect((await put(signed.url, signed.headers, original)).status).toBe(200);
      let replayed = 0;
      replayBeforeCopy = async () => {
        replayed = (await put(signed.url, signed.headers, replacement)).status;
      };
      // s3rver ignores x-amz-copy-source-if-match, so the copy takes the replaced bytes; S3 and R2
      // would refuse the copy (412) instead. Either way the completion is refused.
      await rejectsWithCode(uploads.completeUpload({ key: signed.key, ownerId: alice }), "UPLOAD_MISMATCH");
      expect(replayed).toBe(200);
      expect(await storedETag(signed.key)).toBeNull();
      const [row] = await db.select().from(uploadsTable).where(eq(uploadsTable.key, signed.key));
      expect(row?.status).toBe("deleted");
      await rejectsWithCode(uploads.createDownloadURL(signed.key, { ownerId: alice }), "UPLOAD_NOT_FOUND");
    });
  });

  it("multipart: part URLs cannot change the object after completion", async () => {
    const uploads = makeUploads({
      policies: { video: { contentTypes: ["video/mp4"], maxBytes: 64 * MiB } },
      multipart: { threshold: 5 * MiB, partSize: 5 * MiB },
    });
    const file = new Uint8Array(randomBytes(5 * MiB + 100));
    const started = await uploads.createMultipartUpload({
      policy: "video",
      filename: "clip.mp4",
      contentType: "video/mp4",
      size: file.byteLength,
      ownerId: alice,
    });
    const [first, second] = started.parts as [PresignedPart, PresignedPart];
    const etags: { partNumber: number; etag: string }[] = [];
    for (const [part, bytes] of [
      [first, file.subarray(0, 5 * MiB)],
      [second, file.subarray(5 * MiB)],
    ] as const) {
      const response = await fetch(part.url, { method: "PUT", body: bytes });
      expect(response.status).toBe(200);
      etags.push({ partNumber: part.partNumber, etag: response.headers.get("etag") ?? "" });
    }
    const record = await uploads.completeMultipartUpload({
      key: started.key,
      uploadId: started.uploadId,
      ownerId: alice,
      parts: etags,
    });

    // Replay the last part with other bytes of the same length. S3 and R2 answer 404 NoSuchUpload
    // (completion ended the upload id); s3rver stores the part in an orphaned upload directory.
    const replay = await fetch(second.url, { method: "PUT", body: new Uint8Array(randomBytes(100)) });
    expect([200, 403, 404]).toContain(replay.status);
    // Nothing can assemble it: the record is no longer pending.
    await rejectsWithCode(
      uploads.completeMultipartUpload({ key: started.key, uploadId: started.uploadId, ownerId: alice, parts: etags }),
      "UPLOAD_NOT_FOUND",
    );
    await rejectsWithCode(
      uploads.signUploadParts({ key: started.key, uploadId: started.uploadId, ownerId: alice, partNumbers: [1] }),
      "UPLOAD_NOT_FOUND",
    );
    expect(Buffer.from(await download(uploads, started.key, alice)).equals(Buffer.from(file))).toBe(true);
    expect(await storedETag(started.key)).toBe(record.etag);
  });
});

describe("download name and type", () => {
  const types = [
    "image/png",
    "image/jpeg",
    "text/html",
    "image/svg+xml",
    "application/pdf",
    "text/plain",
    "application/xml",
    "text/javascript",
    "application/x-custom",
  ];
  let uploads: Uploads;

  beforeAll(() => {
    uploads = makeUploads({ policies: { files: { contentTypes: types, maxBytes: MiB } } });
  });

  async function uploaded(filename: string, contentType: string): Promise<UploadRecord> {
    const body = new TextEncoder().encode(`<script>alert(document.domain)</script> ${filename}`);
    const signed = await uploads.createUploadURL({
      policy: "files",
      filename,
      contentType,
      size: body.byteLength,
      ownerId: alice,
    });
    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
    return uploads.completeUpload({ key: signed.key, ownerId: alice });
  }

  async function served(record: UploadRecord, disposition?: "inline" | "attachment") {
    const signed = await uploads.createDownloadURL(record.key, { ownerId: alice, disposition });
    const response = await fetch(signed.url);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return {
      disposition: response.headers.get("content-disposition"),
      type: response.headers.get("content-type"),
      signedType: new URL(signed.url).searchParams.get("response-content-type"),
    };
  }

  it.each<[string, string, "inline" | "attachment" | undefined, string]>([
    ["invoice.html", "image/png", undefined, 'attachment; filename="invoice.png"'],
    ["invoice.html", "image/png", "inline", 'inline; filename="invoice.png"'],
    ["Photo.JPG", "image/jpeg", "inline", 'inline; filename="Photo.JPG"'],
    ["photo.jpeg", "image/jpeg", undefined, 'attachment; filename="photo.jpeg"'],
    ["holiday.png", "image/jpeg", undefined, 'attachment; filename="holiday.jpg"'],
    ["page.html", "text/html", "inline", 'attachment; filename="page.html"'],
    ["logo.svg", "image/svg+xml", "inline", 'attachment; filename="logo.svg"'],
    ["feed.xml", "application/xml", "inline", 'attachment; filename="feed.xml"'],
    ["app.js", "text/javascript", "inline", 'attachment; filename="app.js"'],
    ["report", "application/pdf", "inline", 'inline; filename="report.pdf"'],
    ["notes.md", "text/plain", undefined, 'attachment; filename="notes.txt"'],
    ["data.exe", "application/x-custom", "inline", 'attachment; filename="data"'],
  ])("serves %s stored as %s (asked %s) as %s", async (filename, contentType, asked, expected) => {
    const record = await uploaded(filename, contentType);
    const answer = await served(record, asked);
    expect(answer.disposition).toBe(expected);
    expect(answer.type).toBe(contentType);
    expect(answer.signedType).toBe(contentType);
    // The record keeps the name as the user gave it; only the download name is derived.
    expect(record.filename).toBe(filename);
  });
});

describe("owner check", () => {
  it("refuses createDownloadURL and deleteUpload without ownerId or an explicit skipOwnerCheck", async () => {
    const uploads = makeUploads();
    const signed = await uploads.createUploadURL({
      policy: "avatar",
      filename: "me.png",
      contentType: "image/png",
      size: 10,
      ownerId: alice,
    });
    expect((await put(signed.url, signed.headers, new Uint8Array(10))).status).toBe(200);
    await uploads.completeUpload({ key: signed.key, ownerId: alice });

    const unchecked = [undefined, {}, { disposition: "inline" }, { skipOwnerCheck: false }, { ownerId: undefined }];
    for (const options of unchecked) {
      await rejectsWithCode(uploads.createDownloadURL(signed.key, options as never), "VALIDATION_FAILED");
      await rejectsWithCode(uploads.deleteUpload(signed.key, options as never), "VALIDATION_FAILED");
    }
    const both = { ownerId: alice, skipOwnerCheck: true };
    await rejectsWithCode(uploads.createDownloadURL(signed.key, both as never), "VALIDATION_FAILED");
    await rejectsWithCode(uploads.deleteUpload(signed.key, both as never), "VALIDATION_FAILED");
    await rejectsWithCode(uploads.createDownloadURL(signed.key, { ownerId: bob }), "UPLOAD_FORBIDDEN");
    await rejectsWithCode(uploads.deleteUpload(signed.key, { ownerId: bob }), "UPLOAD_FORBIDDEN");
    const [row] = await db.select().from(uploadsTable).where(eq(uploadsTable.key, signed.key));
    expect(row?.status).toBe("uploaded");

    // The explicit opt-out, for admin and cron code, still works.
    expect((await fetch((await uploads.createDownloadURL(signed.key, { skipOwnerCheck: true })).url)).status).toBe(200);
    expect((await uploads.deleteUpload(signed.key, { skipOwnerCheck: true })).status).toBe("deleted");
  });
});

describe("rate limit on signing uploads", () => {
  const input = (ownerId: string, ip?: string | null) => ({
    policy: "avatar",
    filename: "a.png",
    contentType: "image/png",
    size: 1,
    ownerId,
    ...(ip === undefined ? {} : { ip }),
  });

  it("refuses a user's upload over perUser with RATE_LIMITED and retryAfter, before signing or writing", async () => {
    const uploads = makeUploads({
      policies: {
        avatar: { contentTypes: ["image/png"], maxBytes: MiB },
        video: { contentTypes: ["video/mp4"], maxBytes: 64 * MiB },
      },
      multipart: { threshold: 5 * MiB, partSize: 5 * MiB },
      rateLimit: { perUser: 3, window: 600 },
    });
    const [user] = (await newUsers(1)) as [string];
    for (let index = 0; index < 3; index++) await uploads.createUploadURL(input(user, "203.0.113.7"));
    const before = await uploadRows();
    const error = await rejectsWithCode(uploads.createUploadURL(input(user, "198.51.100.1")), "RATE_LIMITED");
    expect((error as unknown as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    expect((error as unknown as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(600);
    expect((error as unknown as { status: number }).status).toBe(429);
    // Multipart uploads count in the same budget.
    await rejectsWithCode(
      uploads.createMultipartUpload({ ...input(user), policy: "video", contentType: "video/mp4", size: 6 * MiB }),
      "RATE_LIMITED",
    );
    expect(await uploadRows()).toBe(before);
    // Other users are not affected.
    const [other] = (await newUsers(1)) as [string];
    await uploads.createUploadURL(input(other, "198.51.100.1"));
  });

  it("counts per IP across users; ip null is not counted per IP, a non-address counts as unknown", async () => {
    const uploads = makeUploads({ rateLimit: { perUser: 100, perIP: 2, perUnknownIP: 3 } });
    const people = await newUsers(8);
    const [a, b, c, d, e, f, g, h] = people as [string, string, string, string, string, string, string, string];
    await uploads.createUploadURL(input(a, "192.0.2.10"));
    await uploads.createUploadURL(input(b, "192.0.2.10"));
    await rejectsWithCode(uploads.createUploadURL(input(c, "192.0.2.10")), "RATE_LIMITED");
    // IPv6 is counted per /64.
    await uploads.createUploadURL(input(c, "2001:db8:1:1::1"));
    await uploads.createUploadURL(input(d, "2001:db8:1:1::2"));
    await rejectsWithCode(uploads.createUploadURL(input(e, "2001:db8:1:1:ffff::3")), "RATE_LIMITED");
    for (const user of [e, f, g]) {
      await uploads.createUploadURL(input(user, null));
      await uploads.createUploadURL(input(user));
    }
    for (const user of [e, f, g]) await uploads.createUploadURL(input(user, "unknown"));
    await rejectsWithCode(uploads.createUploadURL(input(h, "not an address")), "RATE_LIMITED");
  });

  it("keeps counters in the rate_limits table by default, in memory when asked, and can be turned off", async () => {
    const [user, other, third] = (await newUsers(3)) as [string, string, string];
    const counted = async () => {
      const [row] = await db.select({ n: count() }).from(rateLimits).where(like(rateLimits.key, "upload:%"));
      return row?.n ?? 0;
    };
    const before = await counted();
    await makeUploads({ rateLimit: { perUser: 1 } }).createUploadURL(input(user, "192.0.2.99"));
    expect(await counted()).toBe(before + 2);
    // A second instance on the same database shares the counters.
    await rejectsWithCode(makeUploads({ rateLimit: { perUser: 1 } }).createUploadURL(input(user)), "RATE_LIMITED");

    const memory = makeUploads({ rateLimit: { storage: "memory", perUser: 1 } });
    const rows = await counted();
    await memory.createUploadURL(input(other, "192.0.2.98"));
    await rejectsWithCode(memory.createUploadURL(input(other)), "RATE_LIMITED");
    expect(await counted()).toBe(rows);

    const off = makeUploads({ rateLimit: { enabled: false, perUser: 1 } });
    for (let index = 0; index < 3; index++) await off.createUploadURL(input(third, "192.0.2.97"));
  });

  it("is on by default: 100 per user per hour", async () => {
    const uploads = createUploads({ db, endpoint: s3.endpoint, bucket: s3.bucket, ...S3RVER_CREDENTIALS });
    const [user] = (await newUsers(1)) as [string];
    for (let index = 0; index < 100; index++) await uploads.createUploadURL(input(user));
    const error = await rejectsWithCode(uploads.createUploadURL(input(user)), "RATE_LIMITED");
    expect((error as unknown as { retryAfter: number }).retryAfter).toBeGreaterThan(3500);
  });
});

describe("multipart part URLs are signed in batches", () => {
  it("returns the first 100 of a 200 GiB file's 9,753 parts, not all of them", async () => {
    const uploads = makeUploads({
      policies: { archive: { contentTypes: ["application/zip"], maxBytes: 300 * 1024 * MiB } },
    });
    const started = await uploads.createMultipartUpload({
      policy: "archive",
      filename: "backup.zip",
      contentType: "application/zip",
      size: 200 * 1024 * MiB,
      ownerId: alice,
    });
    expect(started.partCount).toBe(9753);
    expect(started.parts).toHaveLength(100);
    expect(started.signBatchSize).toBe(100);
    expect(started.parts.map((part) => part.partNumber)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const ref = { key: started.key, uploadId: started.uploadId, ownerId: alice };
    const many = Array.from({ length: 101 }, (_, i) => i + 101);
    await rejectsWithCode(uploads.signUploadParts({ ...ref, partNumbers: many }), "VALIDATION_FAILED");
    await rejectsWithCode(uploads.signUploadParts(ref as never), "VALIDATION_FAILED");
    const next = await uploads.signUploadParts({ ...ref, partNumbers: many.slice(0, 100) });
    expect(next.parts.map((part) => part.partNumber)).toEqual(many.slice(0, 100));
    const last = await uploads.signUploadParts({ ...ref, partNumbers: [9753] });
    expect(last.parts[0]?.size).toBe(200 * 1024 * MiB - 21 * MiB * 9752);
  });

  it("uploads a file whose parts are signed a batch at a time", async () => {
    const uploads = makeUploads({
      policies: { video: { contentTypes: ["video/mp4"], maxBytes: 64 * MiB } },
      multipart: { threshold: 5 * MiB, partSize: 5 * MiB, signBatchSize: 2 },
    });
    const file = new Uint8Array(randomBytes(4 * 5 * MiB + 777));
    const started = await uploads.createMultipartUpload({
      policy: "video",
      filename: "long.mp4",
      contentType: "video/mp4",
      size: file.byteLength,
      ownerId: alice,
    });
    expect(started).toMatchObject({ partCount: 5, signBatchSize: 2 });
    expect(started.parts.map((part) => part.partNumber)).toEqual([1, 2]);
    const ref = { key: started.key, uploadId: started.uploadId, ownerId: alice };
    await rejectsWithCode(uploads.signUploadParts({ ...ref, partNumbers: [3, 4, 5] }), "VALIDATION_FAILED");

    const etags: { partNumber: number; etag: string }[] = [];
    let batch = started.parts;
    while (batch.length > 0) {
      for (const part of batch) {
        const start = (part.partNumber - 1) * started.partSize;
        const response = await fetch(part.url, { method: "PUT", body: file.subarray(start, start + part.size) });
        expect(response.status).toBe(200);
        etags.push({ partNumber: part.partNumber, etag: response.headers.get("etag") ?? "" });
      }
      const next = Array.from(
        { length: Math.min(started.signBatchSize, started.partCount - etags.length) },
        (_, i) => etags.length + i + 1,
      );
      batch = next.length > 0 ? (await uploads.signUploadParts({ ...ref, partNumbers: next })).parts : [];
    }
    expect(etags.map((part) => part.partNumber)).toEqual([1, 2, 3, 4, 5]);
    await uploads.completeMultipartUpload({ ...ref, parts: etags });
    expect(Buffer.from(await download(uploads, started.key, alice)).equals(Buffer.from(file))).toBe(true);
  });
});

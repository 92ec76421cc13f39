import { randomBytes } from "node:crypto";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database/index.js";
import {
  createUploads,
  isTetrastackError,
  type PresignedPart,
  r2CorsRule,
  type UploadErrorCode,
  type Uploads,
} from "../src/uploads/index.js";
import { uploads as uploadsTable, users } from "./engines/tables.js";
import { createTestDatabase, rejectsWithCode } from "./helpers.js";
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from "./s3-server.js";

const MiB = 1024 * 1024;
const APP_ORIGIN = "http://app.test";

let s3: TestS3Server;
let db: Database;
let cleanupDatabase: () => void;
let uploads: Uploads;
let alice: string;
let bob: string;

beforeAll(async () => {
  s3 = await startS3Server({ cors: r2CorsRule([APP_ORIGIN]) });
  const t = await createTestDatabase();
  db = t.db;
  cleanupDatabase = t.cleanup;
  uploads = createUploads({
    db,
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    ...S3RVER_CREDENTIALS,
    policies: { video: { contentTypes: ["video/mp4", "video/webm"], maxBytes: 64 * MiB } },
    multipart: { threshold: 5 * MiB, partSize: 5 * MiB },
  });
  const inserted = await db
    .insert(users)
    .values([{ email: "alice@example.com" }, { email: "bob@example.com" }])
    .returning();
  alice = inserted[0]?.id ?? "";
  bob = inserted[1]?.id ?? "";
});

afterAll(async () => {
  await s3?.stop();
  cleanupDatabase?.();
});

const rejectsWith = (action: Promise<unknown>, code: UploadErrorCode | "VALIDATION_FAILED"): Promise<Error> =>
  rejectsWithCode(action, code);

async function rowCount(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(uploadsTable);
  return row?.n ?? 0;
}

/** PUTs one part as a browser would and returns the ETag it reads from the (CORS-exposed) header. */
async function putPart(
  part: PresignedPart,
  body: Uint8Array<ArrayBuffer>,
): Promise<{ status: number; etag: string | null }> {
  const response = await fetch(part.url, { method: part.method, headers: { Origin: APP_ORIGIN }, body });
  return { status: response.status, etag: response.headers.get("etag") };
}

function video(size: number, owner = alice) {
  return { policy: "video", filename: "Holiday clip.mp4", contentType: "video/mp4", size, ownerId: owner };
}

describe("multipart uploads", () => {
  it("round-trips a file in equal 5 MiB parts and verifies it on completion", async () => {
    const file = new Uint8Array(randomBytes(2 * 5 * MiB + 1234));
    const started = await uploads.createMultipartUpload(video(file.byteLength));
    expect(started).toMatchObject({ partSize: 5 * MiB, partCount: 3 });
    expect(started.key).toMatch(/^video\/[0-9a-f-]{36}\/holiday-clip\.mp4$/);
    expect(started.parts.map((part) => [part.partNumber, part.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, 1234],
    ]);
    for (const part of started.parts) {
      const query = new URL(part.url).searchParams;
      expect(query.get("X-Amz-SignedHeaders")).toBe("content-length;host");
      expect([...query.keys()].filter((name) => /^x-amz-(checksum-|sdk-checksum-algorithm)/i.test(name))).toEqual([]);
    }

    const [first, second, third] = started.parts as [PresignedPart, PresignedPart, PresignedPart];
    // A part of another size than signed is refused.
    expect((await putPart(first, file.subarray(0, 5 * MiB + 1))).status).toBe(403);
    expect((await putPart(third, file.subarray(0, 1233))).status).toBe(403);

    const etags: { partNumber: number; etag: string }[] = [];
    for (const part of [third, first, second]) {
      const start = (part.partNumber - 1) * started.partSize;
      const { status, etag } = await putPart(part, file.subarray(start, start + part.size));
      expect(status).toBe(200);
      expect(etag).toBeTruthy();
      etags.push({ partNumber: part.partNumber, etag: etag ?? "" });
    }

    const record = await uploads.completeMultipartUpload({
      key: started.key,
      uploadId: started.uploadId,
      ownerId: alice,
      parts: etags,
    });
    expect(record).toMatchObject({ status: "uploaded", size: file.byteLength, contentType: "video/mp4" });
    // s3rver's multipart ETag is not the md5-of-md5s "-N" form S3 and R2 give, so only its presence is checked.
    expect(record.etag).toBeTruthy();

    const download = await fetch((await uploads.createDownloadURL(started.key, { ownerId: alice })).url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="Holiday clip.mp4"');
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).toBe(true);

    await rejectsWith(
      uploads.completeMultipartUpload({ key: started.key, uploadId: started.uploadId, ownerId: alice, parts: etags }),
      "UPLOAD_NOT_FOUND",
    );
    await rejectsWith(
      uploads.abortMultipartUpload({ key: started.key, uploadId: started.uploadId, ownerId: alice }),
      "UPLOAD_NOT_FOUND",
    );
  });

  it("signs part URLs again, for the given parts only", async () => {
    const started = await uploads.createMultipartUpload(video(6 * MiB));
    expect(started.partCount).toBe(2);
    const again = await uploads.signUploadParts({
      key: started.key,
      uploadId: started.uploadId,
      ownerId: alice,
      partNumbers: [2],
    });
    expect(again.parts.map((part) => [part.partNumber, part.size])).toEqual([[2, MiB]]);
    expect((await putPart(again.parts[0] as PresignedPart, new Uint8Array(randomBytes(MiB)))).status).toBe(200);

    await rejectsWith(
      uploads.signUploadParts({ key: started.key, uploadId: started.uploadId, ownerId: alice, partNumbers: [3] }),
      "VALIDATION_FAILED",
    );
    await rejectsWith(
      uploads.signUploadParts({ key: started.key, uploadId: started.uploadId, ownerId: alice, partNumbers: [0] }),
      "VALIDATION_FAILED",
    );
    await rejectsWith(
      uploads.signUploadParts({ key: started.key, uploadId: started.uploadId, ownerId: bob, partNumbers: [1] }),
      "UPLOAD_FORBIDDEN",
    );
  });

  it("refuses to complete with parts missing or someone else's key, and before the parts are there", async () => {
    const started = await uploads.createMultipartUpload(video(11 * MiB));
    const ref = { key: started.key, uploadId: started.uploadId, ownerId: alice };
    await rejectsWith(
      uploads.completeMultipartUpload({ ...ref, parts: [{ partNumber: 1, etag: "a" }] }),
      "VALIDATION_FAILED",
    );
    await rejectsWith(
      uploads.completeMultipartUpload({
        ...ref,
        parts: [
          { partNumber: 1, etag: "a" },
          { partNumber: 1, etag: "a" },
          { partNumber: 2, etag: "b" },
        ],
      }),
      "VALIDATION_FAILED",
    );
    const parts = [1, 2, 3].map((partNumber) => ({ partNumber, etag: "0".repeat(32) }));
    await rejectsWith(uploads.completeMultipartUpload({ ...ref, ownerId: bob, parts }), "UPLOAD_FORBIDDEN");
    // No part was uploaded. S3 answers InvalidPart (UPLOAD_MISMATCH); s3rver fails with a 500, which
    // surfaces as UPLOAD_STORAGE_FAILED. Either way it is a typed error and the record stays pending.
    const error = await uploads.completeMultipartUpload({ ...ref, parts }).catch((reason: unknown) => reason);
    expect(isTetrastackError(error, "UPLOAD_STORAGE_FAILED") || isTetrastackError(error, "UPLOAD_MISMATCH")).toBe(true);
    const page = await uploads.listUploads(alice, { status: "pending", limit: 100 });
    expect(page.items.some((item) => item.key === started.key)).toBe(true);
  });

  it("checks policy and input before starting anything, and sends large single PUTs to multipart", async () => {
    const before = await rowCount();
    await rejectsWith(uploads.createMultipartUpload(video(64 * MiB + 1)), "UPLOAD_TOO_LARGE");
    await rejectsWith(
      uploads.createMultipartUpload({ ...video(6 * MiB), contentType: "video/quicktime" }),
      "UPLOAD_TYPE_NOT_ALLOWED",
    );
    await rejectsWith(uploads.createMultipartUpload({ ...video(6 * MiB), policy: "avatar" }), "UPLOAD_POLICY_UNKNOWN");
    await rejectsWith(uploads.createMultipartUpload({ ...video(-5) }), "VALIDATION_FAILED");
    await rejectsWith(uploads.createMultipartUpload({ ...video(6 * MiB), filename: "../x.mp4" }), "VALIDATION_FAILED");
    await rejectsWith(uploads.createMultipartUpload({ ...video(6 * MiB), ownerId: "nobody" }), "VALIDATION_FAILED");
    await rejectsWith(uploads.createUploadURL(video(5 * MiB + 1)), "UPLOAD_MULTIPART_REQUIRED");
    expect(await rowCount()).toBe(before);
    expect(uploads.multipartThreshold).toBe(5 * MiB);
  });

  it("aborts: someone else's key is refused; s3rver has no AbortMultipartUpload, which is a typed error", async () => {
    const started = await uploads.createMultipartUpload(video(6 * MiB));
    const ref = { key: started.key, uploadId: started.uploadId, ownerId: alice };
    await rejectsWith(uploads.abortMultipartUpload({ ...ref, ownerId: bob }), "UPLOAD_FORBIDDEN");
    // S3 and R2 implement DELETE ?uploadId; s3rver 4.0.4 answers 405 MethodNotAllowed (after checking
    // the signature), so the record stays pending for a retry.
    const error = await rejectsWith(uploads.abortMultipartUpload(ref), "UPLOAD_STORAGE_FAILED");
    expect(error.message).toContain("MethodNotAllowed");
    const page = await uploads.listUploads(alice, { status: "pending", limit: 100 });
    expect(page.items.some((item) => item.key === started.key)).toBe(true);
  });
});

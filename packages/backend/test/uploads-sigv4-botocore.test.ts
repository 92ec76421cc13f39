/**
 * An independent check of the presigned URLs `/uploads` produces: botocore (the AWS SDK for
 * Python, a separate SigV4 implementation) re-signs the same request with the same credentials at
 * the same date, and its signature must equal ours. This covers what s3rver cannot verify, such
 * as the RFC 3986 encoding of `'` and `*` in a unicode download name.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database/index.js";
import { createUploads, r2CorsRule, type Uploads } from "../src/uploads/index.js";
import { users } from "./engines/tables.js";
import { externalTool } from "./external-tools.js";
import { createTestDatabase } from "./helpers.js";
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from "./s3-server.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./botocore-sigv4.py", import.meta.url));
const probe = spawnSync(PYTHON, ["-c", "import botocore"], { encoding: "utf8" });
// CI installs python3-botocore; a machine without it skips this file and says why.
const botocore = externalTool(
  "botocore",
  probe.status === 0,
  `${PYTHON} cannot import botocore: ${probe.error?.message ?? probe.stderr.trim()}`,
);

interface SignatureCase {
  name: string;
  method: "GET" | "PUT";
  url: string;
  headers: Record<string, string>;
}

interface Resigned {
  name: string;
  botocore: { signature: string; signedHeaders: string; credential: string };
  given: { signature: string; signedHeaders: string; credential: string };
}

function resign(cases: SignatureCase[], secretAccessKey: string): Resigned[] {
  const result = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify({ accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey, region: "auto", cases }),
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Resigned[];
}

describe.skipIf(botocore.skip)("presigned URLs verified with botocore's SigV4", () => {
  let s3: TestS3Server;
  let db: Database;
  let cleanup: () => void;
  let uploads: Uploads;
  let ownerId: string;
  const cases: SignatureCase[] = [];

  beforeAll(async () => {
    s3 = await startS3Server({ cors: r2CorsRule(["http://app.test"]) });
    const t = await createTestDatabase();
    db = t.db;
    cleanup = t.cleanup;
    uploads = createUploads({
      db,
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      ...S3RVER_CREDENTIALS,
      policies: { document: { contentTypes: ["application/pdf"], maxBytes: 64 * 1024 * 1024 } },
      multipart: { threshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 },
    });
    const [user] = await db.insert(users).values({ email: "sigv4@example.com" }).returning();
    ownerId = user?.id ?? "";

    const body = new Uint8Array(randomBytes(321));
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename: "Größe Bericht — 日本 (final)*'.pdf",
      contentType: "application/pdf",
      size: body.byteLength,
      ownerId,
    });
    const putHeaders = { "content-type": "application/pdf", "content-length": String(body.byteLength) };
    cases.push({ name: "put", method: "PUT", url: signed.url, headers: putHeaders });
    // s3rver accepts it too, so the URL is a working one, not only a well-formed one.
    expect((await fetch(signed.url, { method: "PUT", headers: signed.headers, body })).status).toBe(200);
    await uploads.completeUpload({ key: signed.key, ownerId });
    const download = await uploads.createDownloadURL(signed.key, { ownerId, disposition: "inline" });
    cases.push({ name: "get", method: "GET", url: download.url, headers: {} });
    const multipart = await uploads.createMultipartUpload({
      policy: "document",
      filename: "big.pdf",
      contentType: "application/pdf",
      size: 6 * 1024 * 1024,
      ownerId,
    });
    const part = multipart.parts[1];
    if (!part) throw new Error("no second part");
    cases.push({ name: "part", method: "PUT", url: part.url, headers: { "content-length": String(part.size) } });
  });

  afterAll(async () => {
    await s3?.stop();
    cleanup?.();
  });

  it("computes the same signature, signed headers and credential for a PUT, a GET and a part", () => {
    const get = new URL(cases.find((c) => c.name === "get")?.url ?? "");
    // The case worth checking: a disposition with `'`, `*`, `(` and unicode, RFC 3986-encoded.
    expect(get.searchParams.get("response-content-disposition")).toContain("filename*=UTF-8''");
    expect(get.search).toContain("%27%27");
    const results = resign(cases, S3RVER_CREDENTIALS.secretAccessKey);
    expect(results.map((r) => r.name)).toEqual(["put", "get", "part"]);
    for (const result of results) {
      expect(result.botocore.signature, result.name).toMatch(/^[0-9a-f]{64}$/);
      expect(result.botocore, result.name).toEqual(result.given);
    }
    expect(results[0]?.given.signedHeaders).toBe("content-length;content-type;host");
    expect(results[2]?.given.signedHeaders).toBe("content-length;host");
  });

  it("disagrees when the secret, a signed header or a signed parameter differs (the check can fail)", () => {
    expect(resign(cases, "not-the-secret").every((r) => r.botocore.signature !== r.given.signature)).toBe(true);
    const put = cases[0] as SignatureCase;
    const get = cases[1] as SignatureCase;
    const tampered: SignatureCase[] = [
      { ...put, name: "type", headers: { ...put.headers, "content-type": "text/html" } },
      { ...put, name: "length", headers: { ...put.headers, "content-length": "322" } },
      { ...get, name: "disposition", url: get.url.replace("inline", "attachment") },
    ];
    expect(tampered[2]?.url).not.toBe(get.url);
    for (const result of resign(tampered, S3RVER_CREDENTIALS.secretAccessKey)) {
      expect(result.botocore.signature, result.name).not.toBe(result.given.signature);
    }
  });
});

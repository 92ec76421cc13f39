import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createUploads } from "@tetrastack/backend/uploads";
import { uuidv7 } from "@tetrastack/backend/utils";
import { type BenchContext, check, pace } from "../context.js";
import { connect } from "../fixture.js";
import { latency, perRound, race, ratio, stats } from "../harness.js";
import type { Figure, Section } from "../report.js";
import { emails, seedPackageUsers } from "../seed.js";

// @20minutes/s3rver ships no types; this is the part of its API used here.
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

/** s3rver's only key pair; it verifies SigV4 signatures made with it. */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const BUCKET = "bench-uploads";

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** SigV4's signing key: 4 HMAC-SHA256 (date, region, service, "aws4_request"). */
function signingKey(date: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date.slice(0, 8)), "auto"), "s3"), "aws4_request");
}

/** One SigV4 signature in node:crypto: SHA-256 of the canonical request, then HMAC with the key. */
function sigV4(canonicalRequest: string, date: string, key: Buffer): string {
  const scope = `${date.slice(0, 8)}/auto/s3/aws4_request`;
  const digest = createHash("sha256").update(canonicalRequest).digest("hex");
  return createHmac("sha256", key).update(`AWS4-HMAC-SHA256\n${date}\n${scope}\n${digest}`).digest("hex");
}

export async function uploadsSection(context: BenchContext): Promise<Section> {
  const directory = mkdtempSync(join(tmpdir(), "tetrastack-bench-s3rver-"));
  const S3rver = createRequire(import.meta.url)("@20minutes/s3rver") as S3rverConstructor;
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const client = connect(context.url);
    const [ownerId] = await seedPackageUsers(client, emails("uploader", 1), "$scrypt$none");
    client.close();
    check(ownerId, "no upload owner");
    // The rate limit is measured on its own (the limits section): here it would refuse the loop.
    const uploads = createUploads({
      db: context.db,
      endpoint,
      bucket: BUCKET,
      ...CREDENTIALS,
      rateLimit: { enabled: false },
    });
    // The same client configuration the package uses (r2-client.ts), for the bare presigner call.
    const s3 = new S3Client({
      region: "auto",
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const body = Buffer.alloc(12_345, 1);
    const input = {
      policy: "avatar",
      filename: "Profile photo.png",
      contentType: "image/png",
      size: body.length,
      ownerId,
    };
    const bare = () =>
      getSignedUrl(
        s3,
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `avatar/${uuidv7()}/profile-photo.png`,
          ContentType: input.contentType,
          ContentLength: input.size,
          Metadata: { owner: ownerId },
        }),
        {
          expiresIn: 600,
          signingDate: new Date(Math.floor(Date.now() / 1000) * 1000),
          signableHeaders: new Set(["content-type"]),
        },
      );

    // Both URLs must really upload: s3rver checks the signature, the length and the type.
    const signed = await uploads.createUploadURL(input);
    const put = await fetch(signed.url, { method: "PUT", headers: signed.headers, body });
    check(put.ok, `s3rver refused the package's URL: ${put.status}`);
    const record = await uploads.completeUpload({ key: signed.key, ownerId });
    check(record.status === "uploaded", "completeUpload did not verify the object");
    const bareURL = await bare();
    const barePut = await fetch(bareURL, { method: "PUT", headers: { "Content-Type": input.contentType }, body });
    check(barePut.ok, `s3rver refused the bare presigned URL: ${barePut.status}`);

    const canonical = new URL(signed.url);
    const date = canonical.searchParams.get("X-Amz-Date") ?? "20250101T000000Z";
    const canonicalRequest = `PUT\n${canonical.pathname}\n${canonical.search.slice(1)}\ncontent-length:${input.size}\ncontent-type:${input.contentType}\nhost:${canonical.host}\n\ncontent-length;content-type;host\nUNSIGNED-PAYLOAD`;
    const cachedKey = signingKey(date);
    const names = {
      create: "createUploadURL() (validation, key, signing, pending row)",
      bare: "bare getSignedUrl(PutObjectCommand), same client settings",
      floor: "floor: 4 HMAC-SHA256 + 1 SHA-256 (key derived, canonical request hashed; node:crypto)",
      signature: "floor: the whole signature, 5 HMAC-SHA256 + 1 SHA-256",
      cached: "floor: the signature with the key cached (the SDK's case), 1 HMAC + 1 SHA-256",
    };
    context.log("  uploads");
    const rates = await race(
      [
        { name: names.create, op: () => uploads.createUploadURL(input) },
        { name: names.bare, op: bare },
        {
          name: names.floor,
          op: async () => [signingKey(date), createHash("sha256").update(canonicalRequest).digest("hex")],
        },
        { name: names.signature, op: async () => sigV4(canonicalRequest, date, signingKey(date)) },
        { name: names.cached, op: async () => sigV4(canonicalRequest, date, cachedKey) },
      ],
      pace(context, 7, 300),
    );
    const series = (name: string) => rates.get(name) ?? [];
    const share = stats(
      perRound([latency(series(names.bare)), latency(series(names.create))], (sign, total) => (100 * sign) / total),
    );
    const figures: Figure[] = Object.values(names).map((name) => ({ name, unit: "ops/s", stats: stats(series(name)) }));
    const ratios: Figure[] = [
      {
        name: "createUploadURL() ÷ bare presigner call",
        unit: "×",
        stats: ratio(series(names.create), series(names.bare)),
      },
      {
        name: "bare presigner call ÷ HMAC floor (4 HMAC + 1 SHA-256)",
        unit: "×",
        stats: ratio(series(names.bare), series(names.floor)),
      },
      {
        name: "createUploadURL() ÷ HMAC floor (4 HMAC + 1 SHA-256)",
        unit: "×",
        stats: ratio(series(names.create), series(names.floor)),
      },
      { name: "signing-only share of createUploadURL()", unit: "%", stats: share },
    ];
    return {
      title: "Uploads: presigned upload URLs",
      method: `URLs per second, one caller. createUploadURL runs the package's whole path; the bare call is the AWS SDK presigner with the same client settings and the same signed headers; the floor is the SigV4 arithmetic alone. One URL of each kind was PUT to a local @20minutes/s3rver (which verifies SigV4, length and type) before timing, and the package's was completed (HEAD).`,
      figures,
      ratios,
      notes: [],
    };
  } finally {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

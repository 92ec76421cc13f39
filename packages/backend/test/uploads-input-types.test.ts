/**
 * Every public function of `/uploads`, given arguments of the wrong type, throws a typed error
 * with a stable code (never a raw TypeError), and no error repeats what it was given.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database/index.js";
import { createUploads, isTetrastackError, r2CorsRule, type Uploads } from "../src/uploads/index.js";
import { users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";
import { S3RVER_CREDENTIALS } from "./s3-server.js";

const CANARY = "CANARY-input-5d1f09";
/** Values of the wrong type for a string parameter, some carrying the canary. */
const notStrings: unknown[] = [
  null,
  undefined,
  42,
  Number.NaN,
  true,
  {},
  [],
  [CANARY],
  { toString: () => CANARY },
  { [CANARY]: CANARY },
  () => CANARY,
  Symbol(CANARY),
  10n,
];
/** Values of the wrong type for an object parameter. */
const notObjects: unknown[] = [null, 42, true, CANARY, [], [CANARY], () => CANARY, Symbol(CANARY), 10n];

let db: Database;
let cleanup: () => void;
let uploads: Uploads;
let ownerId: string;

beforeAll(async () => {
  const t = await createTestDatabase();
  db = t.db;
  cleanup = t.cleanup;
  // No storage server: every call below must fail on its input before talking to storage.
  uploads = createUploads({ db, endpoint: "http://127.0.0.1:9", bucket: "b", ...S3RVER_CREDENTIALS });
  const [user] = await db.insert(users).values({ email: "types@example.com" }).returning();
  ownerId = user?.id ?? "";
});

afterAll(() => cleanup?.());

/** Runs `call` (sync or async) and returns what it threw, or fails if it did not throw. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function expectTypedRefusal(error: unknown, codes: readonly string[]): void {
  expect(isTetrastackError(error), `expected a typed error, got ${inspect(error)}`).toBe(true);
  expect(codes).toContain((error as { code: string }).code);
  const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
  expect(shown).not.toContain(CANARY);
}

const INPUT = ["VALIDATION_FAILED"] as const;
const OPTIONS = ["CONFIG_INVALID"] as const;

describe("wrong-typed arguments", () => {
  it("createUploads refuses options that are not an options object, with a ConfigError", async () => {
    for (const options of [undefined, ...notObjects]) {
      expectTypedRefusal(await thrown(() => createUploads(options as never)), OPTIONS);
    }
    const base = { db, endpoint: "http://127.0.0.1:9", bucket: "b", ...S3RVER_CREDENTIALS };
    const fields: Record<string, unknown>[] = [
      { db: CANARY },
      { db: {} },
      { table: CANARY },
      { table: {} },
      { endpoint: 42 },
      { bucket: { toString: () => CANARY } },
      { accessKeyId: 42 },
      { secretAccessKey: [CANARY] },
      { forcePathStyle: CANARY },
      { expiresInSeconds: CANARY },
      { policies: CANARY },
      { policies: { a: CANARY } },
      { policies: { a: { contentTypes: CANARY, maxBytes: 1 } } },
      { policies: { a: { contentTypes: [42], maxBytes: CANARY } } },
      { multipart: CANARY },
      { multipart: { threshold: CANARY, partSize: null, signBatchSize: "1" } },
      { rateLimit: CANARY },
      { rateLimit: null },
      { rateLimit: { enabled: CANARY, storage: CANARY, perUser: "1", perIP: null, window: {} } },
      { publicBaseURL: 42 },
    ];
    for (const field of fields) {
      expectTypedRefusal(await thrown(() => createUploads({ ...base, ...field } as never)), OPTIONS);
    }
  });

  it("r2CorsRule refuses wrong-typed origins and options with a ConfigError", async () => {
    for (const origins of [undefined, ...notObjects, [42], [null], [{ toString: () => "https://a.example" }]]) {
      expectTypedRefusal(await thrown(() => r2CorsRule(origins as never)), OPTIONS);
    }
    for (const options of [...notObjects, { maxAgeSeconds: CANARY }]) {
      expectTypedRefusal(await thrown(() => r2CorsRule(["https://a.example"], options as never)), OPTIONS);
    }
  });

  it("createUploadURL and createMultipartUpload refuse wrong-typed input with a ValidationError", async () => {
    const good = { policy: "avatar", filename: "a.png", contentType: "image/png", size: 1, ownerId };
    for (const create of [uploads.createUploadURL, uploads.createMultipartUpload]) {
      for (const input of [undefined, ...notObjects])
        expectTypedRefusal(await thrown(() => create(input as never)), INPUT);
      for (const field of ["policy", "filename", "contentType", "ownerId", "ip"] as const) {
        for (const value of notStrings) {
          // `ip` is optional and nullable: only the other wrong types apply.
          if (field === "ip" && (value === undefined || value === null)) continue;
          expectTypedRefusal(await thrown(() => create({ ...good, [field]: value } as never)), INPUT);
        }
      }
      for (const size of [null, CANARY, "1", {}, [], true, 10n, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
        expectTypedRefusal(await thrown(() => create({ ...good, size } as never)), INPUT);
      }
    }
  });

  it("completeUpload, signUploadParts, completeMultipartUpload and abortMultipartUpload refuse wrong types", async () => {
    const ref = { key: "avatar/x/a.png", ownerId, uploadId: "u" };
    const calls = [
      (input: unknown) => uploads.completeUpload(input as never),
      (input: unknown) => uploads.abortMultipartUpload(input as never),
      (input: unknown) => uploads.signUploadParts(input as never),
      (input: unknown) => uploads.completeMultipartUpload(input as never),
    ];
    for (const call of calls) {
      for (const input of [undefined, ...notObjects]) expectTypedRefusal(await thrown(() => call(input)), INPUT);
      for (const field of ["key", "ownerId"] as const) {
        for (const value of notStrings) {
          expectTypedRefusal(await thrown(() => call({ ...ref, partNumbers: [1], parts: [], [field]: value })), INPUT);
        }
      }
    }
    for (const partNumbers of [undefined, ...notObjects, [CANARY], [null], [1.5], [{}]]) {
      expectTypedRefusal(await thrown(() => uploads.signUploadParts({ ...ref, partNumbers } as never)), INPUT);
    }
    for (const parts of [undefined, ...notObjects, [CANARY], [null], [{ partNumber: CANARY, etag: 1 }]]) {
      expectTypedRefusal(await thrown(() => uploads.completeMultipartUpload({ ...ref, parts } as never)), INPUT);
    }
  });

  it("createDownloadURL, deleteUpload, listUploads and publicURL refuse wrong types", async () => {
    for (const key of notStrings) {
      expectTypedRefusal(await thrown(() => uploads.createDownloadURL(key as never, { ownerId })), INPUT);
      expectTypedRefusal(await thrown(() => uploads.deleteUpload(key as never, { ownerId })), INPUT);
      expectTypedRefusal(await thrown(() => uploads.publicURL(key as never)), INPUT);
      expectTypedRefusal(await thrown(() => uploads.listUploads(key as never)), INPUT);
    }
    for (const options of [undefined, ...notObjects]) {
      expectTypedRefusal(await thrown(() => uploads.createDownloadURL("k", options as never)), INPUT);
      expectTypedRefusal(await thrown(() => uploads.deleteUpload("k", options as never)), INPUT);
      if (options !== undefined) {
        expectTypedRefusal(await thrown(() => uploads.listUploads(ownerId, options as never)), INPUT);
      }
    }
    for (const options of [
      { ownerId: 42 },
      { ownerId: { toString: () => CANARY } },
      { skipOwnerCheck: CANARY },
      { ownerId, disposition: CANARY },
      { ownerId, expiresInSeconds: CANARY },
    ]) {
      expectTypedRefusal(await thrown(() => uploads.createDownloadURL("k", options as never)), INPUT);
    }
    for (const options of [{ status: CANARY }, { limit: CANARY }, { cursor: 42 }, { cursor: CANARY }]) {
      expectTypedRefusal(await thrown(() => uploads.listUploads(ownerId, options as never)), INPUT);
    }
  });

  it("names the configured policies but never repeats an unknown one", async () => {
    const error = await thrown(() =>
      uploads.createUploadURL({ policy: CANARY, filename: "a.png", contentType: "image/png", size: 1, ownerId }),
    );
    expectTypedRefusal(error, ["UPLOAD_POLICY_UNKNOWN"]);
    expect((error as Error).message).toContain("avatar, document");
  });
});

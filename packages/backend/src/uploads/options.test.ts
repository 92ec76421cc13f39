import { drizzle } from "drizzle-orm/libsql";
import { describe, expect, it } from "vitest";
import { uploads as postgresUploads } from "../database/postgres/tables.js";
import { uploads } from "../database/tables.js";
import { DEFAULT_UPLOAD_POLICIES, uploadsOptionsSchema, withEnvironment } from "./options.js";

// A real drizzle database (never queried here): the schema recognises databases by drizzle's classes.
const db = drizzle({ connection: { url: ":memory:" } });
const credentials = { accessKeyId: "id", secretAccessKey: "secret", bucket: "b", accountId: "acct" };

describe("uploadsOptionsSchema", () => {
  it("fills in the defaults", () => {
    const options = uploadsOptionsSchema.parse({ db, ...credentials });
    // No table: the records use the package's table of the database's dialect.
    expect(options.table).toBeUndefined();
    expect(options).toMatchObject({
      forcePathStyle: true,
      expiresInSeconds: 600,
      multipart: { threshold: 100 * 1024 * 1024, partSize: 10 * 1024 * 1024 },
    });
    expect(options.policies).toEqual(DEFAULT_UPLOAD_POLICIES);
    expect(options.policies.avatar?.maxBytes).toBe(2 * 1024 * 1024);
    expect(options.policies.document).toEqual({ contentTypes: ["application/pdf"], maxBytes: 20 * 1024 * 1024 });
  });

  it("lower-cases content types and trims the public base URL", () => {
    const options = uploadsOptionsSchema.parse({
      db,
      ...credentials,
      publicBaseURL: "https://files.example.com/",
      policies: { Pics: { contentTypes: ["Image/*"], maxBytes: 10, prefix: "pics/2025" } },
    });
    expect(options.publicBaseURL).toBe("https://files.example.com");
    expect(options.policies.Pics).toEqual({ contentTypes: ["image/*"], maxBytes: 10, prefix: "pics/2025" });
  });

  it("needs an account id only without an endpoint", () => {
    const { accountId: _, ...withoutAccount } = credentials;
    expect(uploadsOptionsSchema.safeParse({ db, ...withoutAccount, endpoint: "http://127.0.0.1:9000" }).success).toBe(
      true,
    );
    const result = uploadsOptionsSchema.safeParse({ db, ...withoutAccount });
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["accountId", "missing: pass accountId or set R2_ACCOUNT_ID (or pass endpoint or set R2_ENDPOINT)"],
    ]);
  });

  it("accepts the package's table of the database's dialect", () => {
    expect(uploadsOptionsSchema.parse({ db, ...credentials, table: uploads }).table).toBe(uploads);
  });

  it.each([
    [{ expiresInSeconds: 0 }, "expiresInSeconds"],
    [{ expiresInSeconds: 604_801 }, "expiresInSeconds"],
    [{ policies: {} }, "policies"],
    [{ policies: { a: { contentTypes: [], maxBytes: 1 } } }, "policies.a.contentTypes"],
    [{ policies: { a: { contentTypes: ["text/plain"], maxBytes: 1, prefix: "../x" } } }, "policies.a.prefix"],
    [{ policies: { a: { contentTypes: ["text/plain"], maxBytes: 1.5 } } }, "policies.a.maxBytes"],
    [{ multipart: { partSize: 5 * 1024 * 1024 - 1 } }, "multipart.partSize"],
    [{ multipart: { threshold: 6 * 1024 ** 3 } }, "multipart.threshold"],
    [{ publicBaseURL: "javascript:alert(1)" }, "publicBaseURL"],
    [{ db: {} }, "db"],
    [{ db: { select: () => undefined, insert: () => undefined } }, "db"],
    [{ table: postgresUploads }, "table"],
  ])("rejects %j at %s", (override, path) => {
    const result = uploadsOptionsSchema.safeParse({ db, ...credentials, ...override });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });
});

describe("withEnvironment", () => {
  it("prefers given options, then R2_* variables, and treats empty strings as missing", () => {
    const env = {
      R2_ACCOUNT_ID: "env-acct",
      R2_ACCESS_KEY_ID: "env-id",
      R2_SECRET_ACCESS_KEY: "env-secret",
      R2_BUCKET: "",
    };
    expect(withEnvironment({ db, accessKeyId: "given", bucket: "" }, env)).toMatchObject({
      accountId: "env-acct",
      accessKeyId: "given",
      secretAccessKey: "env-secret",
      bucket: undefined,
    });
  });

  it("takes the endpoint from R2_ENDPOINT unless one is given", () => {
    const env = { R2_ENDPOINT: "http://127.0.0.1:4569" };
    expect(withEnvironment({ db }, env)).toMatchObject({ endpoint: "http://127.0.0.1:4569" });
    expect(withEnvironment({ db, endpoint: "https://eu.example.com" }, env)).toMatchObject({
      endpoint: "https://eu.example.com",
    });
    expect(withEnvironment({ db }, { R2_ENDPOINT: "" })).toMatchObject({ endpoint: undefined });
  });
});

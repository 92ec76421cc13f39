// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAccessControl } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { createUploads, r2CorsRule, type Uploads } from "../src/uploads/index.js";
import { members, uploads as uploadsTable } from "./engines/tables.js";
import { rejectsWithCode } from "./helpers.js";
import { action, createLifecycleAuth, signedIn } from "./lifecycle-helpers.js";
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from "./s3-server.js";

// Uploads owned by an organization: the real /uploads against the signature-verifying S3 server,
// its organizationAccess wired to the real /auth hasPermission (the app's roles), on the
// database of the run's engine. Nothing is mocked but mail (unused here).

const access = createAccessControl({
  statements: { upload: ["create", "read", "delete"] },
  roles: {
    member: { upload: ["create", "read"] },
    admin: { upload: ["create", "read", "delete"] },
    viewer: { upload: ["read"] },
  },
});

let s3: TestS3Server;
let db: Database;
let cleanup: () => void;
let auth: Auth<typeof access>;
let uploads: Uploads;
let plain: Uploads;
let organizationId: string;
const people: Record<"owner" | "member" | "viewer" | "stranger", string> = {
  owner: "",
  member: "",
  viewer: "",
  stranger: "",
};

beforeAll(async () => {
  s3 = await startS3Server({ cors: r2CorsRule(["http://app.test"]) });
  const t = await createLifecycleAuth({ organizations: { access } } as never);
  db = t.db;
  cleanup = t.cleanup;
  auth = t.auth as unknown as Auth<typeof access>;
  const storage = { db, endpoint: s3.endpoint, bucket: s3.bucket, ...S3RVER_CREDENTIALS };
  uploads = createUploads({
    ...storage,
    organizationAccess: ({ userId, organizationId: org, action: what }) =>
      auth.hasPermission({ userId, organizationId: org, permission: { upload: [what] } }),
  });
  plain = createUploads(storage);
  const owner = await signedIn(t.auth, "up-owner@example.com");
  people.owner = owner.userId;
  people.member = (await signedIn(t.auth, "up-member@example.com")).userId;
  people.viewer = (await signedIn(t.auth, "up-viewer@example.com")).userId;
  people.stranger = (await signedIn(t.auth, "up-stranger@example.com")).userId;
  organizationId = (await action(owner.browser, () => auth.createOrganization({ name: "Files Inc" }))).id;
  await db.insert(members).values([
    { organizationId, userId: people.member, role: "member" },
    { organizationId, userId: people.viewer, role: "viewer" },
  ]);
});

afterAll(async () => {
  await s3?.stop();
  cleanup?.();
});

/** Uploads `body` as `ownerId` for the organization through the presigned PUT, and completes it. */
async function upload(ownerId: string, body = "quarterly figures\n") {
  const input = { policy: "document", filename: "report.pdf", contentType: "application/pdf", size: body.length };
  const signed = await uploads.createUploadURL({ ...input, ownerId, organizationId });
  const put = await fetch(signed.url, { method: "PUT", headers: signed.headers, body });
  expect(put.status).toBe(200);
  return uploads.completeUpload({ key: signed.key, ownerId });
}

describe("uploads owned by an organization", () => {
  it("lets a member with the permission upload, and records the organization and the uploader", async () => {
    const record = await upload(people.member);
    expect(record).toMatchObject({ ownerId: people.member, organizationId, status: "uploaded" });
    const [row] = await db.select().from(uploadsTable).where(eq(uploadsTable.key, record.key));
    expect(row?.organizationId).toBe(organizationId);
  });

  it("refuses to sign for anyone organizationAccess does not allow, before anything is written", async () => {
    const input = { policy: "document", filename: "x.pdf", contentType: "application/pdf", size: 3, organizationId };
    await rejectsWithCode(uploads.createUploadURL({ ...input, ownerId: people.viewer }), "UPLOAD_FORBIDDEN");
    await rejectsWithCode(uploads.createUploadURL({ ...input, ownerId: people.stranger }), "UPLOAD_FORBIDDEN");
    await rejectsWithCode(
      uploads.createMultipartUpload({ ...input, size: 6 * 1024 * 1024, ownerId: people.stranger }),
      "UPLOAD_FORBIDDEN",
    );
    // Without organizationAccess, an organization cannot own uploads at all.
    await rejectsWithCode(plain.createUploadURL({ ...input, ownerId: people.owner }), "CONFIG_INVALID");
    const rows = await db.select().from(uploadsTable).where(eq(uploadsTable.filename, "x.pdf"));
    expect(rows).toEqual([]);
  });

  it("lets members with read download, only permitted roles delete, and lists the organization's uploads apart", async () => {
    const record = await upload(people.member, "shared with the team\n");
    // Another member (and a viewer) may read it; a stranger may not.
    const download = await uploads.createDownloadURL(record.key, { ownerId: people.viewer });
    expect(await (await fetch(download.url)).text()).toBe("shared with the team\n");
    await rejectsWithCode(uploads.createDownloadURL(record.key, { ownerId: people.stranger }), "UPLOAD_FORBIDDEN");
    // Listing: the organization's, for members with read; a user's own list leaves them out.
    const listed = await uploads.listUploads(people.viewer, { organizationId });
    expect(listed.items.map((item) => item.key)).toContain(record.key);
    await rejectsWithCode(uploads.listUploads(people.stranger, { organizationId }), "UPLOAD_FORBIDDEN");
    expect((await uploads.listUploads(people.member)).items.map((item) => item.key)).not.toContain(record.key);
    // A member may not delete (even their own upload: the organization owns it); the owner may.
    await rejectsWithCode(uploads.deleteUpload(record.key, { ownerId: people.member }), "UPLOAD_FORBIDDEN");
    expect((await uploads.deleteUpload(record.key, { ownerId: people.owner })).status).toBe("deleted");
  });

  it("only the uploader finishes an upload, and a removed member loses access on the next call", async () => {
    const body = "ab";
    const signed = await uploads.createUploadURL({
      policy: "document",
      filename: "half.pdf",
      contentType: "application/pdf",
      size: body.length,
      ownerId: people.member,
      organizationId,
    });
    await fetch(signed.url, { method: "PUT", headers: signed.headers, body });
    await rejectsWithCode(uploads.completeUpload({ key: signed.key, ownerId: people.owner }), "UPLOAD_FORBIDDEN");
    const record = await uploads.completeUpload({ key: signed.key, ownerId: people.member });
    await uploads.createDownloadURL(record.key, { ownerId: people.member });
    await db.delete(members).where(eq(members.userId, people.member));
    await rejectsWithCode(uploads.createDownloadURL(record.key, { ownerId: people.member }), "UPLOAD_FORBIDDEN");
    await rejectsWithCode(uploads.listUploads(people.member, { organizationId }), "UPLOAD_FORBIDDEN");
  });
});

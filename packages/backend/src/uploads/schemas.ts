import * as z from "zod";
import { filenameSchema } from "./keys.js";
import { R2_LIMITS } from "./options.js";

// The input schemas of every `/uploads` method, in one place: several methods share the owner,
// key and owner-check rules, and each method parses its arguments with one of these first.

const exactContentType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** A `users.id`, as the caller passes `ownerId`. */
const ownerIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");
/** @internal An upload's key (S3 allows 1024 bytes). */
export const keySchema = z.string().min(1).max(1024);
const uploadIdSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII");

/** @internal `createUploadURL` and `createMultipartUpload`: the file as the caller describes it. */
export const createUploadSchema = z.object({
  policy: z.string().min(1).max(64),
  filename: filenameSchema,
  contentType: z
    .string()
    .trim()
    .toLowerCase()
    .regex(exactContentType, 'must be a content type such as "image/png", without parameters'),
  size: z.int().min(1, "must be at least 1 byte"),
  ownerId: ownerIdSchema,
  organizationId: ownerIdSchema.nullable().optional(),
  ip: z.string().max(256).nullable().optional(),
});
/** @internal A parsed {@link createUploadSchema}: content type trimmed and lower-cased. */
export type CreateUploadData = z.output<typeof createUploadSchema>;

/** @internal `completeUpload`: one owner's upload. */
export const refSchema = z.object({ key: keySchema, ownerId: ownerIdSchema });
/** @internal `abortMultipartUpload`, and the base of the other multipart refs. */
export const multipartRefSchema = refSchema.extend({ uploadId: uploadIdSchema });
const partNumberSchema = z.int().min(1).max(R2_LIMITS.maxParts);
/** @internal `signUploadParts`. */
export const signPartsSchema = multipartRefSchema.extend({
  partNumbers: z
    .array(partNumberSchema, { error: "must list the part numbers to sign" })
    .min(1)
    .max(R2_LIMITS.maxParts),
});
/** @internal `completeMultipartUpload`. */
export const completeMultipartSchema = multipartRefSchema.extend({
  parts: z
    .array(z.object({ partNumber: partNumberSchema, etag: z.string().trim().min(1).max(256) }))
    .min(1)
    .max(R2_LIMITS.maxParts),
});
const statusSchema = z.enum(["pending", "uploaded", "deleted"]);

const ownerCheckMessage = "pass { ownerId } or, for trusted server code, { skipOwnerCheck: true }";
const ownerCheckShape = { ownerId: ownerIdSchema.optional(), skipOwnerCheck: z.boolean().optional() };
/** Exactly one of `ownerId` and `skipOwnerCheck: true`, so the check is never skipped by omission. */
const ownerCheckRule = (value: { ownerId?: string | undefined; skipOwnerCheck?: boolean | undefined }): boolean =>
  (value.ownerId !== undefined) !== (value.skipOwnerCheck === true);
const ownerCheckIssue = { error: ownerCheckMessage, path: ["ownerId"] };
const ownerCheckSchema = z
  .object(ownerCheckShape, { error: `must be an object: ${ownerCheckMessage}` })
  .refine(ownerCheckRule, ownerCheckIssue);
const downloadOptionsSchema = z
  .object(
    {
      ...ownerCheckShape,
      disposition: z.enum(["attachment", "inline"]).default("attachment"),
      expiresInSeconds: z.int().min(1).max(R2_LIMITS.maxExpiresInSeconds).optional(),
    },
    { error: `must be an object: ${ownerCheckMessage}` },
  )
  .refine(ownerCheckRule, ownerCheckIssue);
/** @internal `createDownloadURL`'s key and options, parsed together so issues name either. */
export const downloadSchema = z.object({ key: keySchema, options: downloadOptionsSchema });
/** @internal `deleteUpload`'s key and owner check. */
export const deleteSchema = z.object({ key: keySchema, options: ownerCheckSchema });
/** @internal `listUploads`' owner and options. */
export const listSchema = z.object({
  ownerId: ownerIdSchema,
  options: z.object(
    {
      status: z.union([statusSchema, z.array(statusSchema).min(1)]).default("uploaded"),
      limit: z.int().min(1).max(100).default(20),
      cursor: z.string().max(200).optional(),
      organizationId: ownerIdSchema.optional(),
    },
    { error: "must be an object" },
  ),
});

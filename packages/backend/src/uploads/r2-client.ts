import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

// The only module that imports `@aws-sdk/*`: everything else talks to storage through R2Client.

/** @internal Connection settings, already validated. */
export interface R2ClientOptions {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  forcePathStyle: boolean;
}

/** @internal What a HEAD request tells about a stored object. */
export interface StoredObject {
  size: number | undefined;
  contentType: string | undefined;
  metadata: Record<string, string>;
  etag: string | undefined;
}

/** @internal When and for how long a URL is signed. */
export interface Signing {
  expiresInSeconds: number;
  signingDate: Date;
}

/** @internal The storage operations `/uploads` needs, bound to one bucket. */
export interface R2Client {
  presignPut(
    input: { key: string; contentType: string; contentLength: number; metadata: Record<string, string> } & Signing,
  ): Promise<string>;
  presignGet(input: { key: string; contentDisposition: string; contentType: string } & Signing): Promise<string>;
  presignUploadPart(
    input: { key: string; uploadId: string; partNumber: number; contentLength: number } & Signing,
  ): Promise<string>;
  head(key: string): Promise<StoredObject | null>;
  /**
   * Server-side copy of `from` to `to`, metadata included, only if `from` still has the ETag
   * `ifMatch` (on stores that honour `x-amz-copy-source-if-match`); returns the new object's ETag.
   */
  copy(input: { from: string; to: string; ifMatch: string }): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  createMultipart(input: { key: string; contentType: string; metadata: Record<string, string> }): Promise<string>;
  completeMultipart(input: {
    key: string;
    uploadId: string;
    parts: readonly { partNumber: number; etag: string }[];
  }): Promise<void>;
  abortMultipart(input: { key: string; uploadId: string }): Promise<void>;
}

/**
 * @internal An R2Client built by `create` on its first call and kept. A `create` that throws (a
 * ConfigError for missing credentials) makes that call reject, and the next call tries again.
 */
export function lazyR2Client(create: () => R2Client): R2Client {
  let client: R2Client | undefined;
  const get = async (): Promise<R2Client> => {
    client ??= create();
    return client;
  };
  return {
    presignPut: async (input) => (await get()).presignPut(input),
    presignGet: async (input) => (await get()).presignGet(input),
    presignUploadPart: async (input) => (await get()).presignUploadPart(input),
    head: async (key) => (await get()).head(key),
    copy: async (input) => (await get()).copy(input),
    delete: async (key) => (await get()).delete(key),
    createMultipart: async (input) => (await get()).createMultipart(input),
    completeMultipart: async (input) => (await get()).completeMultipart(input),
    abortMultipart: async (input) => (await get()).abortMultipart(input),
  };
}

/**
 * @internal One S3 client for the lifetime of the factory. Region `auto` is what R2 expects.
 * Checksums are `WHEN_REQUIRED`: the SDK's default (`WHEN_SUPPORTED`) signs a CRC32 of the empty
 * body into presigned PUT URLs (`x-amz-checksum-crc32=AAAAAA==`), which breaks every real upload
 * on servers that check it (aws-sdk-js-v3#6994).
 */
export function createR2Client(options: R2ClientOptions): R2Client {
  const client = new S3Client({
    region: "auto",
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = options.bucket;

  return {
    presignPut({ key, contentType, contentLength, metadata, expiresInSeconds, signingDate }) {
      const command = new PutObjectCommand({
        Bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: contentLength,
        Metadata: metadata,
      });
      // The presigner drops Content-Type unless asked to sign it; Content-Length is signed by
      // default and x-amz-meta-* goes into the signed query.
      return getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        signingDate,
        signableHeaders: new Set(["content-type"]),
      });
    },
    presignGet({ key, contentDisposition, contentType, expiresInSeconds, signingDate }) {
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ResponseContentDisposition: contentDisposition,
        ResponseContentType: contentType,
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds, signingDate });
    },
    presignUploadPart({ key, uploadId, partNumber, contentLength, expiresInSeconds, signingDate }) {
      const command = new UploadPartCommand({
        Bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        ContentLength: contentLength,
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds, signingDate });
    },
    async head(key) {
      try {
        const result = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return {
          size: result.ContentLength,
          contentType: result.ContentType,
          metadata: result.Metadata ?? {},
          etag: result.ETag?.replaceAll('"', ""),
        };
      } catch (error) {
        if (storageErrorKind(error) === "not-found") return null;
        throw error;
      }
    },
    async copy({ from, to, ifMatch }) {
      const result = await client.send(
        new CopyObjectCommand({
          Bucket,
          Key: to,
          CopySource: `${Bucket}/${from.split("/").map(encodeURIComponent).join("/")}`,
          CopySourceIfMatch: `"${ifMatch}"`,
          MetadataDirective: "COPY",
        }),
      );
      return result.CopyObjectResult?.ETag?.replaceAll('"', "");
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async createMultipart({ key, contentType, metadata }) {
      const result = await client.send(
        new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType, Metadata: metadata }),
      );
      if (!result.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
      return result.UploadId;
    },
    async completeMultipart({ key, uploadId, parts }) {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
    },
    async abortMultipart({ key, uploadId }) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }));
    },
  };
}

/** @internal What kind of storage failure an error from the S3 client is. */
export type StorageErrorKind = "not-found" | "no-such-upload" | "invalid-part" | "precondition-failed" | "other";

/** @internal Sorts an S3 client error by its name and HTTP status. */
export function storageErrorKind(error: unknown): StorageErrorKind {
  const { name, status } = describeStorageError(error);
  if (name === "NoSuchUpload") return "no-such-upload";
  if (name === "InvalidPart" || name === "InvalidPartOrder" || name === "EntityTooSmall") return "invalid-part";
  if (name === "PreconditionFailed" || status === 412) return "precondition-failed";
  if (name === "NotFound" || name === "NoSuchKey" || status === 404) return "not-found";
  return "other";
}

/** @internal The S3 error name and HTTP status, the only parts of an error worth repeating. */
export function describeStorageError(error: unknown): { name: string; status: number | undefined } {
  if (typeof error !== "object" || error === null) return { name: "UnknownError", status: undefined };
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = typeof $metadata?.httpStatusCode === "number" ? $metadata.httpStatusCode : undefined;
  return { name: typeof name === "string" ? name : "UnknownError", status };
}

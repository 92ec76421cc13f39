"use server";

import { toActionError } from "@tetrastack/backend/uploads";
import { revalidatePath } from "next/cache";
import { getClientIP, requireUser } from "@/auth";
import type { FormFailure, FormState } from "@/lib/form-state";
import { uploads } from "@/lib/uploads";

/**
 * A refused step, as `toActionError` gives it: `{ code, message }` (UPLOAD_TOO_LARGE, RATE_LIMITED
 * with retryAfter…). Returned, not thrown: a production browser shows a thrown error's message
 * only as a generic React error.
 */
export type Refusal = { error: FormFailure };

/** What the browser needs to PUT the file: exactly this URL, method and headers. */
export type StartUploadResult = { url: string; method: "PUT"; headers: Record<string, string>; key: string } | Refusal;

/** One part URL: PUT exactly `size` bytes of the file, starting at `(partNumber - 1) * partSize`. */
export interface PartURL {
  partNumber: number;
  url: string;
  size: number;
}

/** A started multipart upload: how to cut the file, and the first batch of part URLs. */
export type StartMultipartResult =
  | { key: string; uploadId: string; partSize: number; partCount: number; signBatchSize: number; parts: PartURL[] }
  | Refusal;

type File = { name: string; type: string; size: number };

/** Step 1: validate the file against the policy and the rate limit, record a pending upload and sign a PUT URL. */
export async function startUpload(file: File): Promise<StartUploadResult> {
  const { user } = await requireUser();
  try {
    const { url, method, headers, key } = await uploads.createUploadURL({
      policy: "attachment",
      filename: file.name,
      contentType: file.type,
      size: file.size,
      ownerId: user.id,
      ip: await getClientIP(), // as the rate limits of /auth see it (rateLimit.clientIP)
    });
    return { url, method, headers, key };
  } catch (error) {
    return toActionError(error);
  }
}

/** Step 3: after the browser's PUT, check the stored object (size, type, owner) and mark it uploaded. */
export async function completeUpload(key: string): Promise<Partial<Refusal>> {
  const { user } = await requireUser();
  try {
    await uploads.completeUpload({ key, ownerId: user.id });
  } catch (error) {
    return toActionError(error);
  }
  revalidatePath("/uploads");
  return {};
}

/** Files above the multipart threshold: start the upload and get the first batch of part URLs. */
export async function startMultipartUpload(file: File): Promise<StartMultipartResult> {
  const { user } = await requireUser();
  try {
    const started = await uploads.createMultipartUpload({
      policy: "attachment",
      filename: file.name,
      contentType: file.type,
      size: file.size,
      ownerId: user.id,
      ip: await getClientIP(), // as the rate limits of /auth see it (rateLimit.clientIP)
    });
    const parts = started.parts.map(({ partNumber, url, size }) => ({ partNumber, url, size }));
    const { key, uploadId, partSize, partCount, signBatchSize } = started;
    return { key, uploadId, partSize, partCount, signBatchSize, parts };
  } catch (error) {
    return toActionError(error);
  }
}

/** The next batch of part URLs (at most `signBatchSize` part numbers per call). */
export async function signUploadParts(
  upload: { key: string; uploadId: string },
  partNumbers: number[],
): Promise<{ parts: PartURL[] } | Refusal> {
  const { user } = await requireUser();
  try {
    const { parts } = await uploads.signUploadParts({ ...upload, ownerId: user.id, partNumbers });
    return { parts: parts.map(({ partNumber, url, size }) => ({ partNumber, url, size })) };
  } catch (error) {
    return toActionError(error);
  }
}

/** Assembles the parts from their ETags and checks the stored object as `completeUpload` does. */
export async function completeMultipartUpload(
  upload: { key: string; uploadId: string },
  parts: { partNumber: number; etag: string }[],
): Promise<Partial<Refusal>> {
  const { user } = await requireUser();
  try {
    await uploads.completeMultipartUpload({ ...upload, ownerId: user.id, parts });
  } catch (error) {
    return toActionError(error);
  }
  revalidatePath("/uploads");
  return {};
}

/** Gives up on a multipart upload that failed half way, so storage drops its parts. */
export async function abortMultipartUpload(upload: { key: string; uploadId: string }): Promise<void> {
  const { user } = await requireUser();
  try {
    await uploads.abortMultipartUpload({ ...upload, ownerId: user.id });
  } catch (error) {
    // Storage also drops incomplete uploads by itself after 7 days (R2), so a failed abort is not
    // fatal: toActionError only logs what is unexpected (and lets Next's redirects through).
    toActionError(error);
  }
}

/** Deletes the object and marks the record deleted (idempotent). */
export async function deleteUpload(_state: FormState, formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  try {
    await uploads.deleteUpload(String(formData.get("key")), { ownerId: user.id });
  } catch (error) {
    return toActionError(error);
  }
  revalidatePath("/uploads");
  return {};
}

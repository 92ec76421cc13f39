"use server";

import { isTetrastackError } from "@tetrastack/backend/uploads";
import { revalidatePath } from "next/cache";
import { getClientIP, requireUser } from "@/auth";
import type { FormState } from "@/lib/form-state";
import { getUploads } from "@/lib/uploads";

/** What the browser needs to PUT the file: exactly this URL, method and headers. */
export type StartUploadResult =
  | { url: string; method: "PUT"; headers: Record<string, string>; key: string }
  | { error: string; retryAfter?: number };

/** One part URL: PUT exactly `size` bytes of the file, starting at `(partNumber - 1) * partSize`. */
export interface PartURL {
  partNumber: number;
  url: string;
  size: number;
}

/** A started multipart upload: how to cut the file, and the first batch of part URLs. */
export type StartMultipartResult =
  | { key: string; uploadId: string; partSize: number; partCount: number; signBatchSize: number; parts: PartURL[] }
  | { error: string; retryAfter?: number };

type File = { name: string; type: string; size: number };

/** The package's error as `{ error: code }` (plus `retryAfter` when rate limited); anything else is rethrown. */
function refusal(error: unknown): { error: string; retryAfter?: number } {
  if (isTetrastackError(error, "RATE_LIMITED")) return { error: error.code, retryAfter: error.retryAfter };
  if (isTetrastackError(error)) return { error: error.code };
  throw error;
}

/** Step 1: validate the file against the policy and the rate limit, record a pending upload and sign a PUT URL. */
export async function startUpload(file: File): Promise<StartUploadResult> {
  const { user } = await requireUser();
  try {
    const { url, method, headers, key } = await getUploads().createUploadURL({
      policy: "attachment",
      filename: file.name,
      contentType: file.type,
      size: file.size,
      ownerId: user.id,
      ip: await getClientIP(), // as the rate limits of /auth see it (rateLimit.clientIP)
    });
    return { url, method, headers, key };
  } catch (error) {
    return refusal(error);
  }
}

/** Step 3: after the browser's PUT, check the stored object (size, type, owner) and mark it uploaded. */
export async function completeUpload(key: string): Promise<{ error?: string }> {
  const { user } = await requireUser();
  try {
    await getUploads().completeUpload({ key, ownerId: user.id });
  } catch (error) {
    return refusal(error);
  }
  revalidatePath("/uploads");
  return {};
}

/** Files above the multipart threshold: start the upload and get the first batch of part URLs. */
export async function startMultipartUpload(file: File): Promise<StartMultipartResult> {
  const { user } = await requireUser();
  try {
    const started = await getUploads().createMultipartUpload({
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
    return refusal(error);
  }
}

/** The next batch of part URLs (at most `signBatchSize` part numbers per call). */
export async function signUploadParts(
  upload: { key: string; uploadId: string },
  partNumbers: number[],
): Promise<{ parts: PartURL[] } | { error: string }> {
  const { user } = await requireUser();
  try {
    const { parts } = await getUploads().signUploadParts({ ...upload, ownerId: user.id, partNumbers });
    return { parts: parts.map(({ partNumber, url, size }) => ({ partNumber, url, size })) };
  } catch (error) {
    return refusal(error);
  }
}

/** Assembles the parts from their ETags and checks the stored object as `completeUpload` does. */
export async function completeMultipartUpload(
  upload: { key: string; uploadId: string },
  parts: { partNumber: number; etag: string }[],
): Promise<{ error?: string }> {
  const { user } = await requireUser();
  try {
    await getUploads().completeMultipartUpload({ ...upload, ownerId: user.id, parts });
  } catch (error) {
    return refusal(error);
  }
  revalidatePath("/uploads");
  return {};
}

/** Gives up on a multipart upload that failed half way, so storage drops its parts. */
export async function abortMultipartUpload(upload: { key: string; uploadId: string }): Promise<void> {
  const { user } = await requireUser();
  try {
    await getUploads().abortMultipartUpload({ ...upload, ownerId: user.id });
  } catch (error) {
    // Storage also drops incomplete uploads by itself after 7 days (R2), so a failed abort is not fatal.
    refusal(error);
  }
}

/** Deletes the object and marks the record deleted (idempotent). */
export async function deleteUpload(_state: FormState, formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  try {
    await getUploads().deleteUpload(String(formData.get("key")), { ownerId: user.id });
  } catch (error) {
    return refusal(error);
  }
  revalidatePath("/uploads");
  return {};
}

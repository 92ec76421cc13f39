"use server";

import { isTetrastackError } from "@tetrastack/backend/uploads";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/auth";
import type { FormState } from "@/lib/form-state";
import { getUploads } from "@/lib/uploads";

/** What the browser needs to PUT the file: exactly this URL, method and headers. */
export type StartUploadResult =
  | { url: string; method: "PUT"; headers: Record<string, string>; key: string }
  | { error: string };

/** Step 1: validate the file against the policy, record a pending upload and sign a PUT URL. */
export async function startUpload(file: { name: string; type: string; size: number }): Promise<StartUploadResult> {
  const { user } = await requireUser();
  try {
    const { url, method, headers, key } = await getUploads().createUploadURL({
      policy: "attachment",
      filename: file.name,
      contentType: file.type,
      size: file.size,
      ownerId: user.id,
    });
    return { url, method, headers, key };
  } catch (error) {
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
}

/** Step 3: after the browser's PUT, check the stored object (size, type, owner) and mark it uploaded. */
export async function completeUpload(key: string): Promise<{ error?: string }> {
  const { user } = await requireUser();
  try {
    await getUploads().completeUpload({ key, ownerId: user.id });
  } catch (error) {
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  revalidatePath("/uploads");
  return {};
}

/** Deletes the object and marks the record deleted (idempotent). */
export async function deleteUpload(_state: FormState, formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  try {
    await getUploads().deleteUpload(String(formData.get("key")), { ownerId: user.id });
  } catch (error) {
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  revalidatePath("/uploads");
  return {};
}

"use server";

import { signIn } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";
import { safePath } from "@/lib/safe-path";

/**
 * Signs in with email and password on the server. Success sets the session cookie and throws
 * Next's redirect, which `failure` (toActionError) lets through; a refusal comes back as
 * `{ code, message }` (INVALID_CREDENTIALS, ACCOUNT_LOCKED with retryAfter, RATE_LIMITED…).
 */
export async function signInWithPassword(_state: FormState, formData: FormData): Promise<FormState> {
  formData.set("redirectTo", safePath(formData.get("redirectTo")));
  try {
    await signIn("credentials", formData);
    return {};
  } catch (error) {
    return failure(error, keep(formData, "email"));
  }
}

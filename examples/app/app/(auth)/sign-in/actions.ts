"use server";

import { getSignInError } from "@tetrastack/backend/auth";
import { unstable_rethrow } from "next/navigation";
import { signIn } from "@/auth";
import { type FormState, keep } from "@/lib/form-state";
import { safePath } from "@/lib/safe-path";

/**
 * Signs in with email and password on the server. Success sets the session cookie and throws
 * Next's redirect (let through by `unstable_rethrow`); a failure comes back as a stable code.
 */
export async function signInWithPassword(_state: FormState, formData: FormData): Promise<FormState> {
  formData.set("redirectTo", safePath(formData.get("redirectTo")));
  try {
    await signIn("credentials", formData);
    return {};
  } catch (error) {
    unstable_rethrow(error);
    const failure = getSignInError(error); // INVALID_CREDENTIALS | ACCOUNT_LOCKED | RATE_LIMITED | AUTH_ERROR
    if (failure) return { error: failure.code, retryAfter: failure.retryAfter, values: keep(formData, "email") };
    throw error;
  }
}

"use server";

import { isTetrastackError } from "@tetrastack/backend/auth";
import { requestPasswordReset } from "@/auth";
import { type FormState, keep } from "@/lib/form-state";

/** Mails a reset link. The answer is the same whether or not an account has this email. */
export async function forgotPassword(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await requestPasswordReset(String(formData.get("email") ?? ""));
  } catch (error) {
    if (isTetrastackError(error, "RATE_LIMITED")) {
      return { error: error.code, retryAfter: error.retryAfter, values: keep(formData, "email") };
    }
    if (isTetrastackError(error)) return { error: error.code, values: keep(formData, "email") };
    throw error;
  }
  return { ok: "If an account uses this email, a link to choose a new password is on its way. It works for one hour." };
}

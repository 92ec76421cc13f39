"use server";

import { requestPasswordReset } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";

/** Mails a reset link. The answer is the same whether or not an account has this email. */
export async function forgotPassword(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await requestPasswordReset(String(formData.get("email") ?? ""));
  } catch (error) {
    return failure(error, keep(formData, "email"));
  }
  return { ok: "If an account uses this email, a link to choose a new password is on its way. It works for one hour." };
}

"use server";

import { isTetrastackError } from "@tetrastack/backend/auth";
import { requestEmailVerification, requireUser } from "@/auth";
import type { FormState } from "@/lib/form-state";

/** Mails a fresh verification link to the signed-in user's address. */
export async function resendVerification(_state: FormState, _formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  try {
    await requestEmailVerification(user.email ?? "");
  } catch (error) {
    if (isTetrastackError(error, "RATE_LIMITED")) return { error: error.code, retryAfter: error.retryAfter };
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  return { ok: "A new link is on its way." };
}

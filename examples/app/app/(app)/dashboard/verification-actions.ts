"use server";

import { requestEmailVerification, requireUser } from "@/auth";
import { type FormState, failure } from "@/lib/form-state";

/** Mails a fresh verification link to the signed-in user's address. */
export async function resendVerification(_state: FormState, _formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  try {
    await requestEmailVerification(user.email ?? "");
  } catch (error) {
    return failure(error);
  }
  return { ok: "A new link is on its way." };
}

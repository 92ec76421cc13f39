"use server";

import { isTetrastackError } from "@tetrastack/backend/auth";
import { redirect } from "next/navigation";
import { confirmEmailChange, getSession } from "@/auth";
import type { FormState } from "@/lib/form-state";

/** Makes the new address the account's email (the old address gets a notice). */
export async function confirmNewEmail(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await confirmEmailChange(String(formData.get("token") ?? ""));
  } catch (error) {
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  // Other sessions ended; this browser stays signed in if it was.
  redirect((await getSession()) ? "/account?notice=email-changed" : "/sign-in?notice=email-changed");
}

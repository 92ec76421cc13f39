"use server";

import { redirect } from "next/navigation";
import { confirmEmailChange, getSession } from "@/auth";
import { type FormState, failure } from "@/lib/form-state";

/** Makes the new address the account's email (the old address gets a notice). */
export async function confirmNewEmail(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await confirmEmailChange(String(formData.get("token") ?? ""));
  } catch (error) {
    return failure(error);
  }
  // Other sessions ended; this browser stays signed in if it was.
  redirect((await getSession()) ? "/account?notice=email-changed" : "/sign-in?notice=email-changed");
}

"use server";

import { redirect } from "next/navigation";
import { resetPassword } from "@/auth";
import { type FormState, failure } from "@/lib/form-state";

/** Sets the new password from an emailed link; every session of the account ends. */
export async function chooseNewPassword(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await resetPassword(String(formData.get("token") ?? ""), String(formData.get("password") ?? ""));
  } catch (error) {
    const state = failure(error);
    // The form has one password field, whatever the package calls it.
    const problem = state.fields?.password ?? state.fields?.newPassword;
    return problem ? { ...state, fields: { password: problem } } : state;
  }
  redirect("/sign-in?notice=password-reset");
}

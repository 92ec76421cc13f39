"use server";

import { isTetrastackError, ValidationError } from "@tetrastack/backend/auth";
import { redirect } from "next/navigation";
import { resetPassword } from "@/auth";
import { type FormState, fieldErrors } from "@/lib/form-state";

/** Sets the new password from an emailed link; every session of the account ends. */
export async function chooseNewPassword(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await resetPassword(String(formData.get("token") ?? ""), String(formData.get("password") ?? ""));
  } catch (error) {
    if (error instanceof ValidationError) {
      const fields = fieldErrors(error.issues);
      return {
        error: error.code,
        fields: { password: fields.password ?? fields.newPassword ?? error.issues[0]?.message ?? "" },
      };
    }
    if (isTetrastackError(error, "RATE_LIMITED")) return { error: error.code, retryAfter: error.retryAfter };
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  redirect("/sign-in?notice=password-reset");
}

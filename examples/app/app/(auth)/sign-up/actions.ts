"use server";

import { isTetrastackError, ValidationError } from "@tetrastack/backend/auth";
import { registerUser } from "@/auth";
import { type FormState, fieldErrors, keep } from "@/lib/form-state";
import { signInWithPassword } from "../sign-in/actions";

/** Creates the account, mails a verification link, then signs in (which redirects to the dashboard). */
export async function signUp(_state: FormState, formData: FormData): Promise<FormState> {
  const values = keep(formData, "name", "email");
  try {
    await registerUser(formData); // { email, password, name? }: validated, email normalised, password hashed
  } catch (error) {
    if (error instanceof ValidationError) return { error: error.code, fields: fieldErrors(error.issues), values };
    if (isTetrastackError(error, "CONFLICT")) return { error: "CONFLICT", values };
    if (isTetrastackError(error, "RATE_LIMITED"))
      return { error: "RATE_LIMITED", retryAfter: error.retryAfter, values };
    throw error;
  }
  formData.set("redirectTo", "/dashboard");
  return signInWithPassword({}, formData);
}

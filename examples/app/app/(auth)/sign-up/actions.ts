"use server";

import { registerUser, signIn } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";

/** Creates the account, mails a verification link, then signs in (which redirects to the dashboard). */
export async function signUp(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await registerUser(formData); // { email, password, name? }: validated, email normalised, password hashed
    formData.set("redirectTo", "/dashboard");
    await signIn("credentials", formData);
    return {};
  } catch (error) {
    // VALIDATION_FAILED (with the fields), CONFLICT, RATE_LIMITED, or the sign-in's refusal.
    return failure(error, keep(formData, "name", "email"));
  }
}

"use server";

import { isTetrastackError } from "@tetrastack/backend/auth";
import { redirect } from "next/navigation";
import { getSession, verifyEmail } from "@/auth";
import type { FormState } from "@/lib/form-state";

/** Confirms the emailed link. Done from a button, so mail scanners that open links cannot use it up. */
export async function confirmEmail(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const password = formData.get("password");
    await verifyEmail(String(formData.get("token") ?? ""), typeof password === "string" ? { password } : {});
  } catch (error) {
    if (isTetrastackError(error, "INVALID_CREDENTIALS")) return { error: "WRONG_CURRENT_PASSWORD" };
    if (isTetrastackError(error)) return { error: error.code };
    throw error;
  }
  redirect((await getSession()) ? "/dashboard?notice=verified" : "/sign-in?notice=verified");
}

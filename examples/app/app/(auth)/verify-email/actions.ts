"use server";

import { redirect } from "next/navigation";
import { getSession, verifyEmail } from "@/auth";
import { type FormState, failure } from "@/lib/form-state";

/** Confirms the emailed link. Done from a button, so mail scanners that open links cannot use it up. */
export async function confirmEmail(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const password = formData.get("password");
    await verifyEmail(String(formData.get("token") ?? ""), typeof password === "string" ? { password } : {});
  } catch (error) {
    return failure(error); // TOKEN_INVALID, TOKEN_EXPIRED, REAUTHENTICATION_REQUIRED, INVALID_CREDENTIALS…
  }
  redirect((await getSession()) ? "/dashboard?notice=verified" : "/sign-in?notice=verified");
}

"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changePassword, deleteAccount, requestEmailChange } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";

/** Needs a fresh sign-in and the current password; ends the user's other sessions. */
export async function changePasswordAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { revokedSessions } = await changePassword(
      String(formData.get("currentPassword") ?? ""),
      String(formData.get("newPassword") ?? ""),
    );
    revalidatePath("/account");
    return {
      ok:
        revokedSessions > 0
          ? `Password changed. ${revokedSessions} other ${revokedSessions === 1 ? "session was" : "sessions were"} signed out.`
          : "Password changed.",
    };
  } catch (error) {
    return failure(error); // INVALID_CREDENTIALS (the current password), SESSION_STALE, VALIDATION_FAILED…
  }
}

/** Needs a fresh sign-in; mails a confirmation link to the new address (nothing changes until it is used). */
export async function changeEmailAction(_state: FormState, formData: FormData): Promise<FormState> {
  const values = keep(formData, "email");
  try {
    await requestEmailChange(String(formData.get("email") ?? ""), { password: String(formData.get("password") ?? "") });
    return { ok: `We sent a confirmation link to ${values.email}. Your email changes once you open it.` };
  } catch (error) {
    return failure(error, values);
  }
}

/** Needs a fresh sign-in; deletes the user (notes, uploads records and sessions cascade) and the cookie. */
export async function deleteAccountAction(_state: FormState, formData: FormData): Promise<FormState> {
  if (formData.get("confirm") !== "on") {
    return {
      error: { code: "CONFIRM_DELETE", message: "Tick the box to confirm that you want to delete your account." },
    };
  }
  try {
    await deleteAccount({ password: String(formData.get("password") ?? "") });
  } catch (error) {
    return failure(error);
  }
  redirect("/sign-in?notice=account-deleted");
}

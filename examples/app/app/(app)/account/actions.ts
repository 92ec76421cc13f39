"use server";

import { isTetrastackError, type RateLimitError, ValidationError } from "@tetrastack/backend/auth";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changePassword, deleteAccount, requestEmailChange } from "@/auth";
import { type FormState, fieldErrors, keep } from "@/lib/form-state";

/** Every TetrastackError becomes its code; anything else is a bug and propagates. */
function failure(error: unknown, values?: Record<string, string>): FormState {
  if (error instanceof ValidationError) return { error: error.code, fields: fieldErrors(error.issues), values };
  if (isTetrastackError(error)) {
    const retryAfter = (error as Partial<RateLimitError>).retryAfter;
    return { error: error.code, ...(retryAfter !== undefined && { retryAfter }), values };
  }
  throw error;
}

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
    const state = failure(error);
    // Here INVALID_CREDENTIALS can only mean the current password.
    return state.error === "INVALID_CREDENTIALS" ? { error: "WRONG_CURRENT_PASSWORD" } : state;
  }
}

/** Needs a fresh sign-in; mails a confirmation link to the new address (nothing changes until it is used). */
export async function changeEmailAction(_state: FormState, formData: FormData): Promise<FormState> {
  const values = keep(formData, "email");
  try {
    await requestEmailChange(String(formData.get("email") ?? ""), { password: String(formData.get("password") ?? "") });
    return { ok: `We sent a confirmation link to ${values.email}. Your email changes once you open it.` };
  } catch (error) {
    const state = failure(error, values);
    return state.error === "INVALID_CREDENTIALS" ? { error: "WRONG_CURRENT_PASSWORD", values } : state;
  }
}

/** Needs a fresh sign-in; deletes the user (notes, uploads records and sessions cascade) and the cookie. */
export async function deleteAccountAction(_state: FormState, formData: FormData): Promise<FormState> {
  if (formData.get("confirm") !== "on") return { error: "CONFIRM_DELETE" };
  try {
    await deleteAccount({ password: String(formData.get("password") ?? "") });
  } catch (error) {
    const state = failure(error);
    // Here INVALID_CREDENTIALS can only mean the password typed to confirm.
    return state.error === "INVALID_CREDENTIALS" ? { error: "WRONG_CURRENT_PASSWORD" } : state;
  }
  redirect("/sign-in?notice=account-deleted");
}

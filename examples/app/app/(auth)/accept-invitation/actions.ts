"use server";

import { redirect } from "next/navigation";
import { acceptInvitation, declineInvitation } from "@/auth";
import { type FormState, failure } from "@/lib/form-state";

/** Joins with the link's token: the signed-in user's verified email must be the invited one. */
export async function acceptWithTokenAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await acceptInvitation({ token: String(formData.get("token") ?? "") });
  } catch (error) {
    // UNAUTHORIZED, FORBIDDEN (another address), EMAIL_NOT_VERIFIED, TOKEN_INVALID, TOKEN_EXPIRED.
    return failure(error);
  }
  redirect("/org"); // the organization is now the session's active one
}

/** Declines with the link's token: no sign-in needed, the link proves the mailbox. */
export async function declineWithTokenAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await declineInvitation({ token: String(formData.get("token") ?? "") });
  } catch (error) {
    return failure(error);
  }
  return { ok: "Invitation declined." };
}

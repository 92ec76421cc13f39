"use server";

import { revalidatePath } from "next/cache";
import { requireUser, revokeOtherSessions, revokeSession } from "@/auth";

/** Ends one of the user's sessions at once; an id that is not theirs changes nothing. */
export async function revokeOneSession(formData: FormData): Promise<void> {
  const { user } = await requireUser();
  await revokeSession(user.id, String(formData.get("id")));
  revalidatePath("/account");
}

/** Ends every session of the user except this one. */
export async function revokeOthers(): Promise<void> {
  const { user, sessionId } = await requireUser();
  if (sessionId) await revokeOtherSessions(user.id, sessionId);
  revalidatePath("/account");
}

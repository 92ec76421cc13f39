"use server";

import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/auth";
import { db, notes } from "@/db";
import type { FormState } from "@/lib/form-state";

/** Adds a note owned by the signed-in user (the app's own table, which cascades with the user). */
export async function addNote(_state: FormState, formData: FormData): Promise<FormState> {
  const { user } = await requireUser();
  const body = String(formData.get("body") ?? "").trim();
  if (!body) return { error: { code: "EMPTY_NOTE", message: "Write something first." } };
  if (body.length > 2000) {
    const message = "A note can be at most 2000 characters.";
    return { error: { code: "VALIDATION_FAILED", message }, fields: { body: message } };
  }
  await db.insert(notes).values({ userId: user.id, body });
  revalidatePath("/dashboard");
  return { ok: "Note added." };
}

/** Deletes one of the user's notes; the `userId` condition makes other users' ids a no-op. */
export async function deleteNote(formData: FormData): Promise<void> {
  const { user } = await requireUser();
  await db.delete(notes).where(and(eq(notes.id, String(formData.get("id"))), eq(notes.userId, user.id)));
  revalidatePath("/dashboard");
}

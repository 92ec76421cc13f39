"use server";

import { catchConflict, isTetrastackError, users } from "@tetrastack/backend/database";
import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { db } from "@/db";
import { notes } from "@/db/schema";

export interface FormState {
  error?: string;
}

const messages: Record<string, string> = {
  CONFLICT: "Someone already uses that email.",
};

/** Adds a person; a duplicate email (in any letter case) comes back as a form message. */
export async function addPerson(_state: FormState, form: FormData): Promise<FormState> {
  const email = String(form.get("email") ?? "")
    .trim()
    .toLowerCase();
  const name = String(form.get("name") ?? "").trim() || null;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) return { error: "Enter a valid email address." };
  try {
    const [user] = await catchConflict(db.insert(users).values({ email, name }).returning());
    if (user) await db.insert(notes).values({ userId: user.id, body: `Welcome, ${name ?? email}!` });
  } catch (error) {
    if (isTetrastackError(error)) return { error: messages[error.code] ?? error.message };
    throw error;
  }
  revalidatePath("/");
  return {};
}

/** Deletes a person; their notes (the app's table) and sessions go with them by cascade. */
export async function removePerson(form: FormData): Promise<void> {
  const id = String(form.get("id") ?? "");
  await db.delete(users).where(eq(users.id, id));
  revalidatePath("/");
}

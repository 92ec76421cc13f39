"use server";

import { revalidatePath } from "next/cache";
import { createAPIKey, requireUser, revokeAPIKey } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";

/** What the create form shows: the new key, this once (the database keeps only its hash). */
export interface CreateKeyState extends FormState {
  key?: string;
  name?: string;
}

/** The scopes this app's API asks for; the form offers these. */
const SCOPES = ["notes:read"];

/** Creates a key for the signed-in user; the key comes back in the state, never again. */
export async function createKeyAction(_state: CreateKeyState, formData: FormData): Promise<CreateKeyState> {
  const { user } = await requireUser();
  const scopes = formData
    .getAll("scope")
    .map(String)
    .filter((scope) => SCOPES.includes(scope));
  try {
    const { key, apiKey } = await createAPIKey(user.id, {
      name: String(formData.get("name") ?? ""),
      scopes,
      expiresIn: Number(formData.get("expiresInDays") ?? 90) * 24 * 60 * 60,
    });
    revalidatePath("/account/api-keys");
    return { ok: `Key "${apiKey.name}" created.`, key, name: apiKey.name };
  } catch (error) {
    return failure(error, keep(formData, "name")); // VALIDATION_FAILED (name, scopes, lifetime)
  }
}

/** Revokes one of the user's keys at once; an id that is not theirs changes nothing. */
export async function revokeKeyAction(formData: FormData): Promise<void> {
  const { user } = await requireUser();
  await revokeAPIKey(user.id, String(formData.get("id")));
  revalidatePath("/account/api-keys");
}

"use server";

import { signOut } from "@/auth";

/** Deletes this session's row and cookie on the server, then redirects (no client-side Auth.js call). */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in?notice=signed-out" });
}

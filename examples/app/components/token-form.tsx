"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { FormState } from "@/lib/form-state";
import { FormError } from "./form-parts";

/** One button that posts an emailed token to a server action (verify email, confirm email change…). */
export function TokenForm({
  token,
  action: serverAction,
  label,
  pendingLabel,
  retry,
}: {
  token: string;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  /** Where to ask for a new link when this one is invalid or expired. */
  retry: { href: string; text: string };
}) {
  const [state, action, pending] = useActionState(serverAction, {} as FormState);
  const failed = state.error?.code === "TOKEN_INVALID" || state.error?.code === "TOKEN_EXPIRED";
  // Opened in a browser not signed in to the account: the link proves the mailbox, the password who chose it.
  const askPassword = state.error?.code === "REAUTHENTICATION_REQUIRED" || state.error?.code === "INVALID_CREDENTIALS";
  return (
    <form action={action} className="stack" aria-describedby="token-error">
      <input type="hidden" name="token" value={token} />
      <FormError id="token-error" error={state.error} />
      {askPassword ? (
        <div className="field">
          <label htmlFor="token-password">Your password</label>
          <input id="token-password" name="password" type="password" autoComplete="current-password" required />
        </div>
      ) : null}
      {failed ? (
        <p>
          <Link href={retry.href}>{retry.text}</Link>
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}

"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { changeEmailAction, changePasswordAction, deleteAccountAction } from "./actions";

/** When a change needs a fresh sign-in, offer one that comes back here. */
function Reauthenticate({ state }: { state: FormState }) {
  if (state.error?.code !== "SESSION_STALE") return null;
  return (
    <p>
      <Link href="/sign-in?notice=reauth&callbackUrl=/account">Sign in again</Link>
    </p>
  );
}

function Success({ state }: { state: FormState }) {
  return (
    <p role="status" className={state.ok ? "success" : "sr-only"}>
      {state.ok ?? ""}
    </p>
  );
}

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="password-error" aria-labelledby="password-title">
      <input type="text" name="username" autoComplete="username" hidden readOnly />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={state.fields?.currentPassword}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        error={state.fields?.newPassword}
        hint="At least 8 characters. Your other devices will be signed out."
      />
      <FormError id="password-error" error={state.error} />
      <Reauthenticate state={state} />
      <Success state={state} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}

export function ChangeEmailForm({ current }: { current: string }) {
  const [state, action, pending] = useActionState(changeEmailAction, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="email-error" aria-labelledby="email-title">
      <Field
        label="New email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fields?.email ?? state.fields?.newEmail}
        hint={`Currently ${current}. We will send a link to the new address.`}
      />
      <Field
        label="Your password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fields?.password}
        hint="A signed-in browser alone cannot move your account to another address."
      />
      <FormError id="email-error" error={state.error} />
      <Reauthenticate state={state} />
      <Success state={state} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Sending…" : "Send confirmation link"}
      </button>
    </form>
  );
}

export function DeleteAccountForm() {
  const [state, action, pending] = useActionState(deleteAccountAction, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="delete-error" aria-labelledby="delete-title">
      <div className="check">
        <input id="delete-confirm" type="checkbox" name="confirm" required />
        <label htmlFor="delete-confirm">I understand that my notes and files will be deleted for good</label>
      </div>
      <div className="field">
        <label htmlFor="delete-password">Password to confirm</label>
        <input id="delete-password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <FormError id="delete-error" error={state.error} />
      <Reauthenticate state={state} />
      <button type="submit" className="danger" disabled={pending}>
        {pending ? "Deleting…" : "Delete my account"}
      </button>
    </form>
  );
}

"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { chooseNewPassword } from "./actions";

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(chooseNewPassword, {} as FormState);
  const linkFailed = state.error?.code === "TOKEN_INVALID" || state.error?.code === "TOKEN_EXPIRED";
  return (
    <form action={action} className="stack" aria-describedby="reset-error">
      <input type="hidden" name="token" value={token} />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        error={state.fields?.password}
        hint="At least 8 characters."
      />
      <FormError id="reset-error" error={state.error} />
      {linkFailed ? (
        <p>
          <Link href="/forgot-password">Send me a new link</Link>
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </button>
    </form>
  );
}

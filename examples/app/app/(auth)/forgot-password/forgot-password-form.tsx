"use client";

import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { forgotPassword } from "./actions";

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState(forgotPassword, {} as FormState);
  if (state.ok) {
    return (
      <p className="success" role="status">
        {state.ok}
      </p>
    );
  }
  return (
    <form action={action} className="stack" aria-describedby="forgot-error">
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} />
      <FormError id="forgot-error" error={state.error} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Sending…" : "Email me a reset link"}
      </button>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { signInWithPassword } from "./actions";

export function SignInForm({ redirectTo, email }: { redirectTo: string; email?: string }) {
  const [state, action, pending] = useActionState(signInWithPassword, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="sign-in-error" noValidate={false}>
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.values?.email ?? email}
      />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <FormError id="sign-in-error" error={state.error} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { signUp } from "./actions";

export function SignUpForm() {
  const [state, action, pending] = useActionState(signUp, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="sign-up-error">
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        maxLength={100}
        error={state.fields?.name}
        hint="Optional."
        defaultValue={state.values?.name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={state.fields?.email}
        defaultValue={state.values?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        error={state.fields?.password}
        hint="At least 8 characters."
      />
      <FormError id="sign-up-error" error={state.error} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}

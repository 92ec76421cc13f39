"use client";

import { type ReactNode, useActionState } from "react";
import { FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";

/**
 * A form for a Server Action that returns {@link FormState}: it shows the action's
 * `error.message` (a live region) and announces its `ok`. For the small forms of the organization
 * pages, where a refusal (a role that lost a permission, the last owner) must be said where the
 * button is.
 */
export function ActionForm({
  action,
  id,
  submit,
  pendingText,
  label,
  className,
  buttonClassName,
  children,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  /** Unique on the page: the error's id is `<id>-error`. */
  id: string;
  submit: string;
  pendingText: string;
  /** The button's accessible name, when `submit` alone is ambiguous in a list. */
  label?: string;
  className?: string;
  buttonClassName?: string;
  children?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, {} as FormState);
  return (
    <form action={formAction} className={className ?? "stack"} aria-describedby={`${id}-error`}>
      {children}
      <button type="submit" className={buttonClassName} disabled={pending} aria-label={label}>
        {pending ? pendingText : submit}
      </button>
      <FormError id={`${id}-error`} error={state.error} />
      <p role="status" className={state.ok ? "success" : "sr-only"}>
        {state.ok ?? ""}
      </p>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { resendVerification } from "./verification-actions";

export function ResendVerification() {
  const [state, action, pending] = useActionState(resendVerification, {} as FormState);
  return (
    <form action={action} className="inline">
      <button type="submit" disabled={pending}>
        {pending ? "Sending…" : "Send a new link"}
      </button>{" "}
      <span role="status">{state.ok ?? ""}</span>
      <FormError id="resend-error" error={state.error} />
    </form>
  );
}

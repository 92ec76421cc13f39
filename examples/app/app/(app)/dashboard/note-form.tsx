"use client";

import { useActionState } from "react";
import { FormError } from "@/components/form-parts";
import type { FormState } from "@/lib/form-state";
import { addNote } from "./actions";

export function NoteForm() {
  const [state, action, pending] = useActionState(addNote, {} as FormState);
  return (
    <form action={action} className="stack" aria-describedby="note-error">
      <div className="field">
        <label htmlFor="note-body">New note</label>
        <textarea id="note-body" name="body" rows={3} maxLength={2000} required />
      </div>
      <FormError id="note-error" error={state.error} />
      <p role="status" className="sr-only">
        {state.ok ?? ""}
      </p>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Adding…" : "Add note"}
      </button>
    </form>
  );
}

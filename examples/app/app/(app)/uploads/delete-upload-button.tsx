"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/form-state";
import { deleteUpload } from "./actions";

export function DeleteUploadButton({ uploadKey, filename }: { uploadKey: string; filename: string }) {
  const [state, action, pending] = useActionState(deleteUpload, {} as FormState);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="key" value={uploadKey} />
      <button type="submit" disabled={pending} aria-label={`Delete ${filename}`}>
        {pending ? "Deleting…" : "Delete"}
      </button>
      {state.error ? <span role="alert">{state.error.message}</span> : null}
    </form>
  );
}

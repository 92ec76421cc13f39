"use client";

import { useActionState } from "react";
import { addPerson, type FormState } from "./actions";

export function AddPersonForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(addPerson, {});
  return (
    <form action={action} aria-describedby={state.error ? "add-error" : undefined}>
      <label>
        Name
        <input name="name" autoComplete="name" maxLength={100} />
      </label>
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" maxLength={254} />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add person"}
      </button>
      {state.error ? (
        <p id="add-error" role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

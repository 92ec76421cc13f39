"use client";

import { useActionState } from "react";
import { Field, FormError } from "@/components/form-parts";
import { type CreateKeyState, createKeyAction } from "./actions";

/** Names a new key and shows it once, with how to use it. */
export function CreateKeyForm() {
  const [state, action, pending] = useActionState(createKeyAction, {} as CreateKeyState);
  return (
    <div className="stack">
      <form action={action} className="stack" aria-describedby="key-error" aria-labelledby="new-key-title">
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          defaultValue={state.values?.name}
          error={state.fields?.name}
          hint="What the key is for, such as “Backup script”."
        />
        <div className="field">
          <label htmlFor="field-expires">Expires after</label>
          <select id="field-expires" name="expiresInDays" defaultValue="90">
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">1 year</option>
          </select>
        </div>
        <div className="check">
          <input id="field-scope-notes-read" type="checkbox" name="scope" value="notes:read" defaultChecked />
          <label htmlFor="field-scope-notes-read">
            Read my notes (<code>notes:read</code>)
          </label>
        </div>
        <FormError id="key-error" error={state.error} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {state.key ? (
        <div className="notice" role="status">
          <p>
            <strong>{state.ok}</strong> Copy it now: it is shown only this once.
          </p>
          <p>
            <output aria-label="New API key" className="secret">
              {state.key}
            </output>
          </p>
          <p className="hint secret">
            Use it as <code>curl -H "x-api-key: …" /api/v1/notes</code>.
          </p>
        </div>
      ) : null}
    </div>
  );
}

"use client";

import type { InputHTMLAttributes, ReactNode } from "react";
import { useFormStatus } from "react-dom";
import type { FormFailure } from "@/lib/form-state";

/** A submit button that shows the form's pending state (for plain `<form action={serverAction}>`). */
export function SubmitButton({
  children,
  pendingText,
  className,
  "aria-label": ariaLabel,
}: {
  children: ReactNode;
  pendingText: string;
  className?: string;
  "aria-label"?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending} aria-label={ariaLabel}>
      {pending ? pendingText : children}
    </button>
  );
}

function inTime(seconds: number): string {
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** The form-level error (the action's `error.message`): a live region so screen readers announce it. */
export function FormError({ id, error }: { id: string; error?: FormFailure | undefined }) {
  return (
    <p id={id} role="alert" className="form-error" hidden={!error}>
      {error?.message}
      {error?.retryAfter ? ` You can try again in ${inTime(error.retryAfter)}.` : null}
    </p>
  );
}

/** A labelled input with its own error message wired through aria-describedby. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string;
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {label} {error}.
        </p>
      ) : null}
    </div>
  );
}

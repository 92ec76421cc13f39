/** What every form action returns: a stable error code (never a raw message), per-field problems, or success. */
export interface FormState {
  /** A stable code from the package (`INVALID_CREDENTIALS`, `UPLOAD_TOO_LARGE`…) or from this app. */
  error?: string;
  /** Seconds to wait, for `RATE_LIMITED` and `ACCOUNT_LOCKED`. */
  retryAfter?: number;
  /** Field name → problem, from a `ValidationError`'s issues. */
  fields?: Record<string, string>;
  /** What was typed into non-secret fields, so the form keeps it after React resets it. */
  values?: Record<string, string>;
  /** Set when the action succeeded and the form should say so. */
  ok?: string;
}

/** `ValidationError.issues` as field name → problem (the first one per field). */
export function fieldErrors(issues: readonly { path: string; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.split(".")[0] || "form";
    fields[field] ??= issue.message;
  }
  return fields;
}

/** The named non-secret fields of a submitted form, for `FormState.values`. */
export function keep(formData: FormData, ...names: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = formData.get(name);
    if (typeof value === "string") values[name] = value;
  }
  return values;
}

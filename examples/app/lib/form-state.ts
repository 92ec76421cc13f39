import { type ActionError, toActionError } from "@tetrastack/backend/utils";

/** A failure as a form shows it: the package's `{ code, message }` (or this app's own), never a stack. */
export interface FormFailure {
  /** A stable code (`INVALID_CREDENTIALS`, `UPLOAD_TOO_LARGE`…, or one of this app's) to switch on. */
  code: ActionError["code"] | AppErrorCode;
  /** The sentence the form shows. */
  message: string;
  /** Seconds to wait, for `RATE_LIMITED` and `ACCOUNT_LOCKED`. */
  retryAfter?: number;
}

/** The codes this app adds to the package's. */
export type AppErrorCode = "EMPTY_NOTE" | "CONFIRM_DELETE" | "NO_FILE" | "UPLOAD_NETWORK" | "UPLOAD_REFUSED";

/** What every form action returns: an error as data (never a throw: production hides thrown messages), or success. */
export interface FormState {
  error?: FormFailure;
  /** Field name → problem, from a `ValidationError`'s issues. */
  fields?: Record<string, string>;
  /** What was typed into non-secret fields, so the form keeps it after React resets it. */
  values?: Record<string, string>;
  /** Set when the action succeeded and the form should say so. */
  ok?: string;
}

/**
 * What an action caught, as its form's state: `toActionError` keeps the package's code and
 * message (and rethrows Next's redirects); a validation error's issues go beside their fields.
 */
export function failure(error: unknown, values?: Record<string, string>): FormState {
  const { error: failed } = toActionError(error);
  const { issues, ...shown } = failed;
  return { error: shown, ...(issues && { fields: fieldErrors(issues) }), ...(values && { values }) };
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

/**
 * The package's stable error codes (and this app's own) as sentences a person can act on. Codes
 * come back from server actions; only this table decides what the user reads.
 */
const messages: Record<string, string> = {
  // Sign-in (getSignInError)
  INVALID_CREDENTIALS: "That email and password don't match. Check both and try again.",
  ACCOUNT_LOCKED: "Too many failed attempts for this account. Try again {in}.",
  RATE_LIMITED: "Too many attempts from here. Try again {in}.",
  AUTH_ERROR: "Signing in failed on our side. Please try again.",
  // Registration and other input
  VALIDATION_FAILED: "Some fields need attention.",
  CONFLICT: "An account with this email already exists. Sign in instead, or reset your password.",
  UNAUTHORIZED: "Please sign in again.",
  SESSION_STALE: "For your security, sign in again before changing this.",
  FORBIDDEN: "You are not allowed to do that.",
  NOT_FOUND: "That no longer exists.",
  EMAIL_NOT_VERIFIED: "Verify your email first: open the link we sent you, or ask for a new one.",
  // One-time links and account changes
  TOKEN_INVALID: "This link is not valid any more. It may have been used already, or a newer one was sent.",
  TOKEN_EXPIRED: "This link has expired. Ask for a new one.",
  MAIL_NOT_CONFIGURED: "This server cannot send email yet, so this is unavailable.",
  WRONG_CURRENT_PASSWORD: "Your current password is not right.",
  REAUTHENTICATION_REQUIRED: "Enter your password to confirm it is you.",
  CONFIRM_DELETE: "Tick the box to confirm that you want to delete your account.",
  // Uploads
  UPLOAD_POLICY_UNKNOWN: "This kind of upload is not available.",
  UPLOAD_TYPE_NOT_ALLOWED: "This file type is not accepted. Choose an image, a PDF or a text file.",
  UPLOAD_TOO_LARGE: "This file is too large. The limit is 10 MB.",
  UPLOAD_MULTIPART_REQUIRED: "This file is too large for a single upload.",
  UPLOAD_NOT_FOUND: "The file did not arrive in storage. Try uploading it again.",
  UPLOAD_MISMATCH: "The stored file did not match what was announced, so it was discarded. Try again.",
  UPLOAD_FORBIDDEN: "That file belongs to someone else.",
  UPLOAD_STORAGE_FAILED: "The storage service did not answer. Try again in a moment.",
  CONFIG_INVALID: "File storage is not configured. Start the app with `pnpm dev`, or set the R2_* variables.",
  // This app's own
  UPLOAD_NETWORK: "The upload was interrupted. Check your connection and try again.",
  UPLOAD_REFUSED: "Storage refused the upload (the link may have expired). Try again.",
  NO_FILE: "Choose a file first.",
  EMPTY_NOTE: "Write something first.",
};

function inTime(seconds: number | undefined): string {
  if (!seconds || seconds <= 0) return "later";
  if (seconds < 90) return `in ${Math.ceil(seconds)} seconds`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

/** The sentence for a code; unknown codes get a generic one rather than leaking internals. */
export function describeError(code: string, retryAfter?: number): string {
  const message = messages[code] ?? "Something went wrong. Please try again.";
  return message.replace("{in}", inTime(retryAfter));
}

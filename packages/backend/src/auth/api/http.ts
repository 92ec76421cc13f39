import { type ErrorCode, isTetrastackError, type TetrastackError } from "../../shared/errors.js";

// The JSON API's wire format, as better-auth speaks it: JSON bodies in, `{ code, message }` with
// the HTTP status out. Bodies are read with a bound, never buffered whole before they are measured.

/** Largest request body read: every body of the API is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * @internal An answer decided by the API layer itself (wrong content type, body too large,
 * malformed JSON, refused origin…): its status and better-auth's code for it.
 */
export class APIFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "APIFailure";
  }
}

/** @internal How a package error code is said on the wire, where better-auth has a word for it. */
export interface WireCode {
  code: string;
  status: number;
  message?: string;
}

/** @internal The package's codes that better-auth names otherwise, for every endpoint. */
const DEFAULT_CODES: Partial<Record<ErrorCode, WireCode>> = {
  INVALID_CREDENTIALS: { code: "INVALID_PASSWORD", status: 400, message: "Invalid password" },
  SESSION_STALE: { code: "SESSION_NOT_FRESH", status: 403, message: "Session is not fresh" },
  TOKEN_INVALID: { code: "INVALID_TOKEN", status: 400, message: "Invalid token" },
  TOKEN_EXPIRED: { code: "TOKEN_EXPIRED", status: 410, message: "Token expired" },
  EMAIL_NOT_VERIFIED: { code: "EMAIL_NOT_VERIFIED", status: 403, message: "Email not verified" },
  UNAUTHORIZED: { code: "UNAUTHORIZED", status: 401, message: "Unauthorized" },
  MAIL_NOT_CONFIGURED: { code: "MAIL_NOT_CONFIGURED", status: 400, message: "This server sends no mail" },
};

/** @internal An error body: better-auth's `{ code, message }`, plus what the package adds. */
export interface ErrorBody {
  code: string;
  message: string;
  /** Validation problems: the field and what is wrong with it (never the value). */
  issues?: readonly { path: string; message: string }[];
  /** Seconds until another attempt may succeed. */
  retryAfter?: number;
}

/** What a validation issue is in better-auth's words, when it has one. */
function validationCode(issues: readonly { path: string; message: string }[]): WireCode {
  const [first] = issues;
  // A missing field or one of the wrong type is a validation error (as better-auth's body schema
  // says it); a string that is there but wrong has better-auth's word.
  if (!first || /^(is required|must be a (string|boolean))$/.test(first.message)) {
    return { code: "VALIDATION_ERROR", status: 400 };
  }
  if (/(^|\.)(newEmail|email)$/.test(first.path)) {
    return { code: "INVALID_EMAIL", status: 400, message: "Invalid email" };
  }
  if (first && /(^|\.)(newPassword|password)$/.test(first.path)) {
    if (/at least/.test(first.message))
      return { code: "PASSWORD_TOO_SHORT", status: 400, message: "Password too short" };
    if (/at most/.test(first.message)) return { code: "PASSWORD_TOO_LONG", status: 400, message: "Password too long" };
  }
  return { code: "VALIDATION_ERROR", status: 400 };
}

/**
 * @internal The status, headers and body of a failure. Package errors keep their status and
 * code unless better-auth names them (the endpoint's `codes`, then the defaults); anything else
 * is a 500 that says nothing (the caller logs it).
 */
export function failureOf(
  error: unknown,
  codes: Partial<Record<ErrorCode, WireCode>> = {},
): { status: number; body: ErrorBody; headers: Record<string, string>; unexpected: boolean } {
  if (error instanceof APIFailure) {
    return { status: error.status, body: { code: error.code, message: error.message }, headers: {}, unexpected: false };
  }
  if (isTetrastackError(error)) {
    const issues = isTetrastackError(error, "VALIDATION_FAILED") ? error.issues : undefined;
    const wire = codes[error.code] ?? DEFAULT_CODES[error.code] ?? (issues ? validationCode(issues) : undefined);
    if (wire) return known(error, wire);
    // A busy database is worth retrying (503 with Retry-After); other 5xx codes are the server's
    // own problem and say nothing.
    if (error.status < 500 || error.code === "DATABASE_BUSY") return known(error, error);
  }
  return {
    status: 500,
    body: { code: "INTERNAL_SERVER_ERROR", message: "Internal Server Error" },
    headers: {},
    unexpected: true,
  };
}

function known(error: TetrastackError, wire: WireCode) {
  const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
  const issues = isTetrastackError(error, "VALIDATION_FAILED") ? error.issues : undefined;
  const body: ErrorBody = {
    code: wire.code,
    message: wire.message ?? error.message,
    ...(issues && { issues }),
    ...(typeof retryAfter === "number" && { retryAfter }),
  };
  // better-auth's rate limiter says X-Retry-After; HTTP says Retry-After. Both, always together.
  const headers: Record<string, string> =
    typeof retryAfter === "number" ? { "retry-after": String(retryAfter), "x-retry-after": String(retryAfter) } : {};
  return { status: wire.status, body, headers, unexpected: false };
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i;

/**
 * @internal The JSON object a request carries: `{}` for an empty body. Refuses, with better-auth's
 * codes, a declared or actual length over {@link MAX_BODY_BYTES} (413, read no further), a
 * non-JSON content type (415), bytes that are not UTF-8 or JSON (400) and JSON that is not an
 * object (400).
 */
export async function readJSONBody(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= limit)) throw tooLarge(limit);
  const bytes = request.body ? await readBounded(request.body, limit) : new Uint8Array();
  if (bytes.byteLength === 0) return {};
  if (!JSON_TYPE.test(request.headers.get("content-type") ?? "")) {
    throw new APIFailure(415, "UNSUPPORTED_MEDIA_TYPE", 'Content-Type must be "application/json"');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new APIFailure(400, "BAD_REQUEST", "Invalid JSON in request body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new APIFailure(400, "BODY_MUST_BE_AN_OBJECT", "Body must be an object");
  }
  return value as Record<string, unknown>;
}

function tooLarge(limit: number): APIFailure {
  return new APIFailure(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${limit} bytes`);
}

/** Reads a stream up to `limit` bytes; one byte more cancels it and refuses. */
async function readBounded(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

import * as z from "zod";
import { slugify } from "../utils/slugify.js";
import { uuidv7 } from "../utils/uuidv7.js";

/** @internal Longest accepted filename, in characters after NFC normalization. */
export const MAX_FILENAME_LENGTH = 255;

// C0 and C1 controls and DEL, plus the bidirectional overrides and isolates that make
// "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * @internal A user's filename: NFC, trimmed, 1 to 255 characters, no control or bidi characters,
 * no path separators and not `.` or `..`. Only stored and shown; keys are built from its slug.
 */
export const filenameSchema: z.ZodType<string, string> = z
  .string()
  .max(MAX_FILENAME_LENGTH * 4, `must be at most ${MAX_FILENAME_LENGTH} characters`)
  .transform((name) => name.normalize("NFC").trim())
  .pipe(
    z
      .string()
      .min(1, "must not be empty")
      .max(MAX_FILENAME_LENGTH, `must be at most ${MAX_FILENAME_LENGTH} characters`)
      .refine((name) => !unsafeCharacters.test(name), "must not contain control characters")
      .refine((name) => !/[/\\]/.test(name), "must be a file name, not a path")
      .refine((name) => name !== "." && name !== "..", "must be a file name, not a path"),
  );

/** @internal Splits `"Report.final.PDF"` into `{ base: "Report.final", extension: "pdf" }`. */
export function splitFilename(filename: string): { base: string; extension: string } {
  const dot = filename.lastIndexOf(".");
  if (dot <= 0) return { base: filename, extension: "" };
  const extension = filename.slice(dot + 1).toLowerCase();
  // Anything but a short alphanumeric extension is kept in the slug rather than trusted.
  if (!/^[a-z0-9]{1,10}$/.test(extension)) return { base: filename, extension: "" };
  return { base: filename.slice(0, dot), extension };
}

/**
 * @internal `<prefix>/<uuidv7>/<slug>.<extension>`: at most about 200 ASCII characters made of
 * `[a-z0-9-./]`, whatever the filename, so keys never traverse, never need escaping and stay far
 * below R2's 1024-byte limit.
 */
export function buildKey(prefix: string, filename: string): string {
  const { base, extension } = splitFilename(filename);
  // Dots and underscores separate words ("archive.tar" → "archive-tar"); slugify would drop them.
  const slug = slugify(base.replace(/[._]+/g, " "), { maxLength: 80, fallback: "file" });
  return `${prefix}/${uuidv7()}/${extension ? `${slug}.${extension}` : slug}`;
}

/**
 * @internal Where the browser's PUT lands: `_staging/<key>`. No policy prefix can start with `_`,
 * so staging keys never collide with final ones, and one bucket lifecycle rule on `_staging/`
 * removes what a replayed PUT leaves there after completion.
 */
export const STAGING_PREFIX = "_staging/";

/** @internal The staging key of a record's key. */
export function stagingKey(key: string): string {
  return `${STAGING_PREFIX}${key}`;
}

/** How a browser should treat a download: save it (`attachment`) or show it (`inline`). */
export type Disposition = "attachment" | "inline";

/**
 * @internal A `Content-Disposition` value that keeps any filename (RFC 6266). A name of plain
 * printable ASCII is sent as `filename="…"` alone; any other gets an ASCII fallback for old
 * clients plus `filename*=UTF-8''…` (RFC 5987/8187), which every current browser prefers.
 */
export function contentDisposition(filename: string, disposition: Disposition = "attachment"): string {
  const name = filename.normalize("NFC").replace(new RegExp(unsafeCharacters.source, "g"), "");
  // `"` and `\` would need quoting rules old clients get wrong; `%` some clients decode.
  if (/^[\x20-\x7e]+$/.test(name) && !/["\\%]/.test(name)) return `${disposition}; filename="${name}"`;
  const { base, extension } = splitFilename(name);
  const fallback = `${slugify(base.replace(/[._]+/g, " "), { maxLength: 80, fallback: "download" })}${extension ? `.${extension}` : ""}`;
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeRFC5987(name)}`;
}

/** Percent-encodes everything outside RFC 5987's `attr-char`. */
function encodeRFC5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

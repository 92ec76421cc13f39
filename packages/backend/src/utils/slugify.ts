import transliterate from "slugify";
import { invalidArgument, isOptionsObject } from "../shared/arguments.js";

/** Longest input {@link slugify} accepts: far beyond any title or filename, and still a few ms of work. */
export const SLUGIFY_MAX_INPUT_LENGTH = 10_000;
const SEPARATORS = new Set(["-", "_", ".", "~", ""]);
const SLUG = /^[a-z0-9]+(?:[-_.~][a-z0-9]+)*$/;
const LOCALE = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/;

/** Options of {@link slugify}. */
export interface SlugifyOptions {
  /**
   * Longest slug returned. A longer slug is cut at the last separator before the limit, so a
   * word is only split when a single word is longer than the limit.
   * @default 80
   */
  maxLength?: number;
  /** Language for transliteration rules, such as `"de"` (ä → ae) or `"fr"`. */
  locale?: string;
  /**
   * Joins the words: `"-"`, `"_"`, `"."`, `"~"` or `""` (characters safe in URLs and filenames).
   * @default "-"
   */
  separator?: string;
  /**
   * Returned when nothing is left of the input (empty, only punctuation or an unsupported script).
   * Must itself be a slug (`[a-z0-9]` words joined by `-`, `_`, `.` or `~`).
   * @default "untitled"
   */
  fallback?: string;
}

/**
 * A URL- and filename-safe slug: lower case, `[a-z0-9]` words joined by `-`, transliterated
 * (locale-aware), at most `maxLength` characters, never empty. Pure: the same input and options
 * always give the same slug. A non-string input, an input longer than
 * {@link SLUGIFY_MAX_INPUT_LENGTH} or a bad option throws a `ValidationError`.
 *
 * @example
 * slugify("Größe & Café", { locale: "de" }) // "groesse-und-cafe"
 */
export function slugify(input: string, options: SlugifyOptions = {}): string {
  if (typeof input !== "string") invalidArgument("slugify", "input", "a string");
  if (input.length > SLUGIFY_MAX_INPUT_LENGTH) {
    invalidArgument("slugify", "input", `at most ${SLUGIFY_MAX_INPUT_LENGTH} characters`);
  }
  if (!isOptionsObject(options)) invalidArgument("slugify", "options", "an object");
  const { maxLength = 80, locale, separator = "-", fallback = "untitled" } = options as SlugifyOptions;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    invalidArgument("slugify", "maxLength", "a positive integer");
  }
  if (locale !== undefined && (typeof locale !== "string" || !LOCALE.test(locale))) {
    invalidArgument("slugify", "locale", 'a language tag such as "de" or "pt-BR"');
  }
  if (typeof separator !== "string" || !SEPARATORS.has(separator)) {
    invalidArgument("slugify", "separator", '"-", "_", ".", "~" or ""');
  }
  // Capped like an input so that a huge fallback is not tested against the pattern.
  if (typeof fallback !== "string" || fallback.length > SLUGIFY_MAX_INPUT_LENGTH || !SLUG.test(fallback)) {
    invalidArgument("slugify", "fallback", "a slug ([a-z0-9] words joined by -, _, . or ~)");
  }
  const slug = transliterate(input.normalize("NFKC"), {
    lower: true,
    strict: true,
    trim: true,
    locale,
    replacement: separator,
  });
  const cut = truncateAtWord(slug, maxLength, separator);
  return cut.length > 0 ? cut : fallback;
}

function truncateAtWord(slug: string, maxLength: number, separator: string): string {
  if (slug.length <= maxLength) return slug;
  const head = slug.slice(0, maxLength + separator.length);
  const boundary = head.lastIndexOf(separator);
  // Keep whole words when at least one fits; otherwise the first word is longer than the limit.
  const cut = boundary > 0 ? head.slice(0, boundary) : slug.slice(0, maxLength);
  return trimSeparator(cut, separator);
}

function trimSeparator(value: string, separator: string): string {
  let result = value;
  while (separator && result.endsWith(separator)) result = result.slice(0, -separator.length);
  return result;
}

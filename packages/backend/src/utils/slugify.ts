import transliterate from "slugify";

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
  /** @default "-" */
  separator?: string;
  /**
   * Returned when nothing is left of the input (empty, only punctuation or an unsupported script).
   * @default "untitled"
   */
  fallback?: string;
}

/**
 * A URL- and filename-safe slug: lower case, `[a-z0-9]` words joined by `-`, transliterated
 * (locale-aware), at most `maxLength` characters, never empty. Pure: the same input and options
 * always give the same slug.
 *
 * @example
 * slugify("Größe & Café", { locale: "de" }) // "groesse-und-cafe"
 */
export function slugify(input: string, options: SlugifyOptions = {}): string {
  const { maxLength = 80, locale, separator = "-", fallback = "untitled" } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError("slugify: maxLength must be a positive integer");
  const slug = transliterate(String(input).normalize("NFKC"), {
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

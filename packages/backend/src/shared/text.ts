// Matches a UTF-16 surrogate that is not part of a pair (String#isWellFormed is ES2024, above our lib).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** @internal True when `value` is valid Unicode: such a string has one UTF-8 encoding, so one hash. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** @internal Length in code points, the unit of the password policy. */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

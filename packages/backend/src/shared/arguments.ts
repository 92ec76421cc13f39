import { ValidationError } from "./errors.js";

// Checks of public functions' arguments. Free of zod, so `/utils` can use them too.

/**
 * @internal Throws the ValidationError for one bad argument of `fn`: what it must be, never the
 * value it was (which may be a secret, an attack, or megabytes).
 */
export function invalidArgument(fn: string, path: string, expected: string): never {
  throw new ValidationError(`${fn}: ${path} must be ${expected}.`, {
    issues: [{ path, message: `must be ${expected}` }],
  });
}

/** @internal {@link invalidArgument} unless `condition` holds. */
export function assertArgument(condition: unknown, fn: string, path: string, expected: string): asserts condition {
  if (!condition) invalidArgument(fn, path, expected);
}

/** @internal True for an options object: any object but null or an array. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @internal An options object, or undefined for an options argument left out. */
export function isOptionalObject(value: unknown): boolean {
  return value === undefined || isOptionsObject(value);
}

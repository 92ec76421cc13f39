import { ValidationError } from "../shared/errors.js";

/**
 * @internal Throws the ValidationError for one bad argument of `fn`: what it must be, never the
 * value it was (which may be a secret, or megabytes). `/utils` loads no zod, hence not `parseInput`.
 */
export function invalidArgument(fn: string, path: string, expected: string): never {
  throw new ValidationError(`${fn}: ${path} must be ${expected}.`, {
    issues: [{ path, message: `must be ${expected}` }],
  });
}

/** @internal True for an options object: any object but null or an array. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

import { invalidArgument } from "../shared/arguments.js";

/** The outcome of {@link to} / {@link toSync}: `[error, undefined]` or `[null, value]`. */
export type Result<T, E = unknown> = [error: E, value: undefined] | [error: null, value: T];

/**
 * Go-style error handling for a promise: never rejects, resolves to `[error, undefined]` or
 * `[null, value]`. Like `await`, it takes a value that is not a promise as its own result.
 *
 * @example
 * const [error, user] = await to(registerUser(input))
 * if (error) return { error: isTetrastackError(error) ? error.code : "UNKNOWN" }
 */
export async function to<T, E = unknown>(promise: PromiseLike<T>): Promise<Result<T, E>> {
  try {
    return [null, await promise];
  } catch (error) {
    return [error as E, undefined];
  }
}

/**
 * Go-style error handling for a function call: `[error, undefined]` if it throws, else
 * `[null, value]`. Never throws: given something that is not a function, the error is a `ValidationError`.
 */
export function toSync<T, E = unknown>(fn: () => T): Result<T, E> {
  try {
    if (typeof fn !== "function") invalidArgument("toSync", "fn", "a function");
    return [null, fn()];
  } catch (error) {
    return [error as E, undefined];
  }
}

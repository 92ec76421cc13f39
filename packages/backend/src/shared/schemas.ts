import * as z from "zod";

/** @internal Whether `value` is a function. */
export function isFunction(value: unknown): boolean {
  return typeof value === "function";
}

/** @internal An option holding a function of type `T` (checked to be a function, typed as `T`). */
export const fnSchema = <T>(): z.ZodType<T, T> => z.custom<T>(isFunction, { error: "must be a function" });

/** @internal A path on this site: one leading `/`, no scheme or host, no spaces. */
export const relativePathSchema = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/, { error: "must be a path starting with a single / (no spaces)" });

/** @internal Whole seconds between `min` and `max`, `fallback` when omitted. */
export const secondsSchema = (min: number, max: number, fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);

/** @internal A Drizzle table (by drizzle's own brand, which survives two copies of drizzle-orm). */
export const tableSchema = <T>(): z.ZodType<T, T> =>
  z.custom<T>((value) => typeof value === "object" && value !== null && Symbol.for("drizzle:IsDrizzleTable") in value, {
    error: "must be a Drizzle table",
  });

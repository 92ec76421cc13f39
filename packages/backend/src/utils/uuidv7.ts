import { uuidv7 as generate } from "uuidv7";
import { invalidArgument } from "../shared/arguments.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A new UUIDv7: time-ordered (sorts by creation time as text), 74 random bits, lower-case.
 * Use it for ids, never for secrets: it is guessable from its timestamp.
 */
export function uuidv7(): string {
  return generate();
}

/** True when `value` is a lower-case UUIDv7 string, as `uuidv7()` makes; false for anything else, never throws. */
export function isUUIDv7(value: unknown): value is string {
  return typeof value === "string" && UUID_V7.test(value);
}

/** The creation time encoded in a UUIDv7 (millisecond precision); a `ValidationError` for anything else. */
export function uuidv7Date(id: string): Date {
  if (!isUUIDv7(id)) invalidArgument("uuidv7Date", "id", "a lower-case UUIDv7");
  return new Date(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}

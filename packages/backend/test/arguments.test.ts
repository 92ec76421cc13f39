/**
 * Every public function of `/database` and `/utils`, called with wrong-typed arguments, either
 * returns its documented result or throws a ValidationError/ConfigError that does not repeat the
 * input. Before the fix, `createDatabase(null)`, `slugify("x", null)`, `uuidv7Date(42)`, `id(42)`
 * and others threw raw TypeErrors (some echoing the input) or silently accepted nonsense.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as database from "../src/database/index.js";
import * as utils from "../src/utils/index.js";
import { createTestDatabase } from "./helpers.js";
import {
  type ArgumentCase as Case,
  databaseCases,
  HUGE,
  isOptionsObject,
  MARKER,
  noPrototype,
  runArgumentCases,
} from "./wrong-arguments.js";

const t = await createTestDatabase();
afterAll(() => t.cleanup());
const { db } = t;

// Call through `unknown` so TypeScript lets the wrong types through, as JavaScript callers would.
const d = database as unknown as Record<string, (...args: unknown[]) => unknown>;
const u = utils as unknown as Record<string, (...args: unknown[]) => unknown>;
const isUndefined = (value: unknown): boolean => value === undefined;

const cases: Case[] = [
  { name: "createDatabase(options)", call: (v) => d.createDatabase?.(v), skip: isOptionsObject },
  {
    name: "createDatabase({ url })",
    call: (v) => d.createDatabase?.({ url: v }),
    skip: (v) => v === undefined || v === "",
  },
  {
    name: "createDatabase({ authToken })",
    call: (v) => d.createDatabase?.({ url: "file::memory:", authToken: v }),
    accepts: (v) => v === undefined || typeof v === "string",
  },
  {
    name: "createDatabase({ busyTimeoutMs })",
    call: (v) => d.createDatabase?.({ url: "file::memory:", busyTimeoutMs: v }),
    accepts: (v) => v === undefined || v === 0,
  },
  {
    name: "createDatabase({ schema })",
    call: (v) => d.createDatabase?.({ url: "file::memory:", schema: v }),
    accepts: (v) => v === null || isOptionsObject(v),
  },
  { name: "createDatabase({ client })", call: (v) => d.createDatabase?.({ client: v }), skip: isUndefined },
  ...databaseCases(d, db),
  { name: "isTetrastackError(error, code)", call: (v) => d.isTetrastackError?.(v, v), neverThrows: true },
  { name: "slugify(input)", call: (v) => u.slugify?.(v), accepts: (v) => v === "" || v === MARKER },
  { name: "slugify(input, options)", call: (v) => u.slugify?.("x", v), accepts: isOptionsObject },
  { name: "slugify(input, { maxLength })", call: (v) => u.slugify?.("x", { maxLength: v }), accepts: isUndefined },
  {
    name: "slugify(input, { locale })",
    call: (v) => u.slugify?.("x", { locale: v }),
    accepts: (v) => v === undefined || v === MARKER,
  },
  {
    name: "slugify(input, { separator })",
    call: (v) => u.slugify?.("x", { separator: v }),
    accepts: (v) => v === undefined || v === "",
  },
  { name: "slugify(input, { fallback })", call: (v) => u.slugify?.("x", { fallback: v }), accepts: isUndefined },
  { name: "uuidv7()", call: (v) => u.uuidv7?.(v), neverThrows: true },
  { name: "isUUIDv7(value)", call: (v) => u.isUUIDv7?.(v), neverThrows: true },
  { name: "uuidv7Date(id)", call: (v) => u.uuidv7Date?.(v) },
  { name: "to(promise)", call: (v) => u.to?.(v), neverThrows: true },
  { name: "toSync(fn)", call: (v) => u.toSync?.(v), neverThrows: true },
  ...(
    [
      "ConfigError",
      "ValidationError",
      "ConflictError",
      "RateLimitError",
      "UnauthorizedError",
      "ForbiddenError",
      "NotFoundError",
    ] as const
  ).map((name) => ({
    name: `new ${name}(message, options)`,
    call: (v: unknown) => {
      const ErrorClass = (utils as unknown as Record<string, new (...args: unknown[]) => Error>)[name];
      if (!ErrorClass) throw new Error(`${name} is not exported from /utils`);
      const error = new ErrorClass(v, v);
      return JSON.stringify(error);
    },
    neverThrows: true,
  })),
];

describe("public functions of /database and /utils with wrong-typed arguments", () => {
  it("throw only typed errors that do not echo the input, or return their documented result", async () => {
    const { calls, untyped, wrong } = await runArgumentCases(
      cases,
      (error) =>
        database.isTetrastackError(error, "VALIDATION_FAILED") || database.isTetrastackError(error, "CONFIG_INVALID"),
    );
    console.info(`[arguments] ${calls} calls: ${untyped.length} untyped throws, ${wrong.length} wrong outcomes`);
    expect(untyped).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it("keeps the documented results for the functions that never throw", async () => {
    expect(utils.isUUIDv7(HUGE)).toBe(false);
    expect(await utils.to(42 as unknown as Promise<number>)).toEqual([null, 42]);
    const [error, value] = utils.toSync(null as unknown as () => unknown);
    expect(database.isTetrastackError(error, "VALIDATION_FAILED")).toBe(true);
    expect(value).toBeUndefined();
    expect(await database.catchConflict(7 as unknown as Promise<number>)).toBe(7);
    expect(database.toConflictError(noPrototype)).toBe(noPrototype);
  });
});

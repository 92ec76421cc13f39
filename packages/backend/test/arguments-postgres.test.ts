/**
 * Every public function of `/database/postgres`, called with wrong-typed arguments, either returns
 * its documented result or throws a ValidationError/ConfigError that does not repeat the input
 * (the same contract as test/arguments.test.ts holds `/database` to).
 */
import { afterAll, describe, expect, it } from "vitest";
import * as database from "../src/database/postgres/index.js";
import { createPgliteDatabase } from "./engines/pglite.js";
import { type ArgumentCase as Case, databaseCases, isOptionsObject, runArgumentCases } from "./wrong-arguments.js";

const t = await createPgliteDatabase();
afterAll(() => t.cleanup());
const { db } = t;

// Call through `unknown` so TypeScript lets the wrong types through, as JavaScript callers would.
const d = database as unknown as Record<string, (...args: unknown[]) => unknown>;

const cases: Case[] = [
  { name: "createDatabase(options)", call: (v) => d.createDatabase?.(v) },
  { name: "createDatabase({ url })", call: (v) => d.createDatabase?.({ url: v }) },
  {
    name: "createDatabase({ maxConnections })",
    call: (v) => d.createDatabase?.({ url: "postgres://u:p@127.0.0.1:1/db", maxConnections: v }),
    accepts: (v) => v === undefined,
  },
  {
    name: "createDatabase({ connectTimeoutMs })",
    call: (v) => d.createDatabase?.({ url: "postgres://u:p@127.0.0.1:1/db", connectTimeoutMs: v }),
    accepts: (v) => v === undefined || v === 0,
  },
  {
    name: "createDatabase({ schema })",
    call: (v) => d.createDatabase?.({ url: "postgres://u:p@127.0.0.1:1/db", schema: v }),
    accepts: (v) => v === null || isOptionsObject(v),
  },
  { name: "createDatabase({ client })", call: (v) => d.createDatabase?.({ client: v }), skip: (v) => v === undefined },
  ...databaseCases(d, db),
];

describe("public functions of /database/postgres with wrong-typed arguments", () => {
  it("throw only typed errors that do not echo the input, or return their documented result", async () => {
    const { calls, untyped, wrong } = await runArgumentCases(
      cases,
      (error) =>
        database.isTetrastackError(error, "VALIDATION_FAILED") || database.isTetrastackError(error, "CONFIG_INVALID"),
    );
    console.info(
      `[arguments-postgres] ${calls} calls: ${untyped.length} untyped throws, ${wrong.length} wrong outcomes`,
    );
    expect(calls).toBeGreaterThan(300);
    expect(untyped).toEqual([]);
    expect(wrong).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { ConflictError } from "../shared/errors.js";
import { classifyConstraintError, toConflictError, toDatabaseError } from "./errors.js";

// Errors shaped as the drivers make them. libSQL's are also checked for real, on a database, in
// test/database.test.ts; PostgreSQL cannot run here, so its drivers' errors are plain objects and
// Errors with the fields postgres.js (`constraint_name`) and pg (`constraint`) set.

/** An Error with driver fields, as Drizzle would wrap it: `Failed query: … params: …` around it. */
function wrapped(fields: Record<string, unknown>, message = "driver error"): Error {
  const driver = Object.assign(new Error(message), fields);
  return new Error('Failed query: insert into "users" …\nparams: a,b', { cause: driver });
}

describe("classifyConstraintError", () => {
  it.each([
    ["postgres.js", { code: "23505", constraint_name: "users_email_lower_unique" }],
    ["pg", { code: "23505", constraint: "users_email_lower_unique" }],
  ])("reads a %s unique violation by SQLSTATE and names this package's constraint", (_, fields) => {
    expect(classifyConstraintError(fields)).toEqual({ kind: "unique", target: { table: "users", columns: ["email"] } });
    expect(classifyConstraintError(wrapped(fields))).toEqual({
      kind: "unique",
      target: { table: "users", columns: ["email"] },
    });
  });

  it("reads a PostgreSQL unique violation of an unknown constraint without a target", () => {
    expect(classifyConstraintError({ code: "23505", constraint_name: "posts_slug_key" })).toEqual({
      kind: "unique",
      target: undefined,
    });
  });

  it.each([
    { code: "23503", constraint_name: "sessions_user_id_fkey" },
    { code: "23503", constraint: "x" },
  ])("reads a PostgreSQL foreign-key violation %j", (fields) => {
    expect(classifyConstraintError(wrapped(fields))).toEqual({ kind: "foreign-key" });
  });

  it("takes any other SQLSTATE for what it is, whatever the wrapper's text says", () => {
    // 23502 not_null_violation, 40001 serialization_failure.
    expect(classifyConstraintError({ code: "23502" })).toBeNull();
    const echo = Object.assign(new Error("Failed query: … params: UNIQUE constraint failed: users.email"), {
      cause: Object.assign(new Error("could not serialize access"), { code: "40001" }),
    });
    expect(classifyConstraintError(echo)).toBeNull();
  });

  it("reads libSQL's extended codes, by number or by name, and the columns from SQLite's message", () => {
    const libsql = {
      code: "SQLITE_CONSTRAINT",
      rawCode: 2067,
      extendedCode: "SQLITE_CONSTRAINT_UNIQUE",
      message: "SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email",
    };
    expect(classifyConstraintError(wrapped(libsql, libsql.message))).toEqual({
      kind: "unique",
      target: { table: "users", columns: ["email"] },
    });
    expect(
      classifyConstraintError({ code: "SQLITE_CONSTRAINT_PRIMARYKEY", message: "UNIQUE constraint failed: a.x, a.y" }),
    ).toEqual({ kind: "unique", target: { table: "a", columns: ["x", "y"] } });
    expect(classifyConstraintError({ code: "SQLITE_CONSTRAINT", rawCode: 787, message: "" })).toEqual({
      kind: "foreign-key",
    });
    expect(
      classifyConstraintError({ code: "SQLITE_CONSTRAINT", rawCode: 1299, message: "NOT NULL constraint failed: a.x" }),
    ).toBeNull();
    expect(classifyConstraintError({ code: "SQLITE_ERROR", message: "no such table: x" })).toBeNull();
  });

  it("reads a bare SQLITE_CONSTRAINT by the engine's own message", () => {
    expect(
      classifyConstraintError({
        code: "SQLITE_CONSTRAINT",
        message: "SQLITE_CONSTRAINT: FOREIGN KEY constraint failed",
      }),
    ).toEqual({ kind: "foreign-key" });
    expect(
      classifyConstraintError({ code: "SQLITE_CONSTRAINT", message: "UNIQUE constraint failed: index 'unknown_idx'" }),
    ).toEqual({ kind: "unique", target: undefined });
  });

  it("falls back to SQLite's text when no error in the chain has a code, innermost first", () => {
    expect(classifyConstraintError(new Error("UNIQUE constraint failed: users.email"))).toEqual({
      kind: "unique",
      target: { table: "users", columns: ["email"] },
    });
    const echoed = new Error("Failed query: … params: UNIQUE constraint failed: users.email", {
      cause: new Error("FOREIGN KEY constraint failed"),
    });
    expect(classifyConstraintError(echoed)).toEqual({ kind: "foreign-key" });
    // Text is read from Errors only, as before: a plain object's message is no engine's.
    expect(classifyConstraintError({ message: "UNIQUE constraint failed: users.email" })).toBeNull();
  });

  it("returns null for anything else, and never throws", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    for (const value of [undefined, null, 7, "UNIQUE constraint failed: users.email", new Error("boom"), hostile]) {
      expect(classifyConstraintError(value)).toBeNull();
    }
  });
});

describe("toConflictError and toDatabaseError on PostgreSQL's codes", () => {
  it("make a ConflictError of a unique violation and pass a foreign-key violation through", () => {
    const unique = wrapped({ code: "23505", constraint_name: "users_email_lower_unique" });
    const conflict = toConflictError(unique);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ target: { table: "users", columns: ["email"] }, cause: unique });
    expect((conflict as Error).message).toBe("A users row with that email already exists.");
    expect(toDatabaseError(unique)).toBeInstanceOf(ConflictError);
    const foreign = wrapped({ code: "23503" });
    expect(toConflictError(foreign)).toBe(foreign);
  });
});

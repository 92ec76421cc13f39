import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ConfigError,
  ConflictError,
  DatabaseBusyError,
  type ErrorClassByCode,
  type ErrorCode,
  ForbiddenError,
  isTetrastackError,
  LastOwnerError,
  NoActiveOrganizationError,
  NotAMemberError,
  NotFoundError,
  RateLimitError,
  TetrastackError,
  type TokenError,
  UnauthorizedError,
  type UploadError,
  ValidationError,
} from "./errors.js";

describe("error family", () => {
  it.each([
    [new ConfigError("x"), "CONFIG_INVALID", 500],
    [new ValidationError("x"), "VALIDATION_FAILED", 400],
    [new UnauthorizedError("x"), "UNAUTHORIZED", 401],
    [new ForbiddenError("x"), "FORBIDDEN", 403],
    [new NotFoundError("x"), "NOT_FOUND", 404],
    [new ConflictError("x"), "CONFLICT", 409],
    [new RateLimitError("x", { retryAfter: 1.2 }), "RATE_LIMITED", 429],
    [new DatabaseBusyError("x", { retryAfter: 4.2 }), "DATABASE_BUSY", 503],
    [new NotAMemberError("x"), "NOT_A_MEMBER", 403],
    [new NoActiveOrganizationError("x"), "NO_ACTIVE_ORGANIZATION", 403],
    [new LastOwnerError("x"), "LAST_OWNER", 409],
  ] as const)("%s has a stable code, a status and its own name", (error, code, status) => {
    expect(error).toBeInstanceOf(TetrastackError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.name).toBe(error.constructor.name);
    expect(isTetrastackError(error)).toBe(true);
    expect(isTetrastackError(error, code)).toBe(true);
    expect(isTetrastackError(error, code === "CONFLICT" ? "NOT_FOUND" : "CONFLICT")).toBe(false);
  });

  it("keeps the cause", () => {
    const cause = new Error("low level");
    expect(new ConflictError("taken", { cause }).cause).toBe(cause);
  });

  it("recognises errors from another copy of the package by brand, not instanceof", () => {
    // What a second copy (the CJS build, or another version) throws: same brand, other class.
    const foreign = Object.assign(new Error("from elsewhere"), { code: "CONFLICT" });
    (foreign as unknown as Record<symbol, boolean>)[Symbol.for("@tetrastack/backend/error")] = true;
    expect(foreign instanceof ConflictError).toBe(false);
    expect(isTetrastackError(foreign, "CONFLICT")).toBe(true);
    expect(isTetrastackError(new Error("plain"))).toBe(false);
    expect(isTetrastackError(null)).toBe(false);
    expect(isTetrastackError({ code: "CONFLICT" })).toBe(false);
  });

  it("serialises to what a client may see", () => {
    expect(JSON.parse(JSON.stringify(new RateLimitError("slow down", { retryAfter: 2.5 })))).toEqual({
      name: "RateLimitError",
      code: "RATE_LIMITED",
      message: "slow down",
      retryAfter: 3,
    });
    expect(new DatabaseBusyError("busy", { retryAfter: 4.2 }).toJSON()).toEqual({
      name: "DatabaseBusyError",
      code: "DATABASE_BUSY",
      message: "busy",
      retryAfter: 5,
    });
    expect(new DatabaseBusyError("busy").retryAfter).toBe(1);
    const validation = new ValidationError("bad", { issues: [{ path: "email", message: "Invalid email" }] });
    expect(validation.toJSON().issues).toEqual([{ path: "email", message: "Invalid email" }]);
  });
});

describe("isTetrastackError narrowing", () => {
  it("maps every code to the class that carries it", () => {
    expectTypeOf<keyof ErrorClassByCode>().toEqualTypeOf<ErrorCode>();
    type CodeOf<K extends ErrorCode> = ErrorClassByCode[K]["code"];
    expectTypeOf<"RATE_LIMITED">().toExtend<CodeOf<"RATE_LIMITED">>();
    expectTypeOf<"TOKEN_EXPIRED">().toExtend<CodeOf<"TOKEN_EXPIRED">>();
    expectTypeOf<"UPLOAD_TOO_LARGE">().toExtend<CodeOf<"UPLOAD_TOO_LARGE">>();
  });

  it("types the fields of the code's class once the code is checked", () => {
    const error: unknown = new RateLimitError("slow down", { retryAfter: 5 });
    if (!isTetrastackError(error, "RATE_LIMITED")) throw new Error("not narrowed");
    expectTypeOf(error.retryAfter).toEqualTypeOf<number>();
    expect(error.retryAfter).toBe(5);
    const invalid: unknown = new ValidationError("bad", { issues: [{ path: "email", message: "required" }] });
    if (!isTetrastackError(invalid, "VALIDATION_FAILED")) throw new Error("not narrowed");
    expect(invalid.issues[0]?.path).toBe("email");
  });
});

describe("ErrorClassByCode composed from the areas", () => {
  it("has every code of every area, each with its class", () => {
    expectTypeOf<ErrorClassByCode["UPLOAD_TOO_LARGE"]>().toEqualTypeOf<UploadError>();
    expectTypeOf<ErrorClassByCode["DATABASE_BUSY"]>().toEqualTypeOf<DatabaseBusyError>();
    expectTypeOf<ErrorClassByCode["TOKEN_EXPIRED"]>().toEqualTypeOf<TokenError>();
    expectTypeOf<ErrorClassByCode["VALIDATION_FAILED"]>().toEqualTypeOf<ValidationError>();
    expectTypeOf<"UPLOAD_STORAGE_FAILED" | "REAUTHENTICATION_REQUIRED">().toExtend<ErrorCode>();
  });
});

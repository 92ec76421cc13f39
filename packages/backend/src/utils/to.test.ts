import { describe, expect, expectTypeOf, it } from "vitest";
import { type Result, to, toSync } from "./to.js";

describe("to", () => {
  it("resolves to [null, value] on success", async () => {
    const result = await to(Promise.resolve(42));
    expect(result).toEqual([null, 42]);
    expectTypeOf(result).toEqualTypeOf<Result<number>>();
  });

  it("resolves to [error, undefined] on rejection, and never rejects", async () => {
    const boom = new Error("boom");
    const [error, value] = await to(Promise.reject(boom));
    expect(error).toBe(boom);
    expect(value).toBeUndefined();
  });

  it("narrows the value once the error is ruled out", async () => {
    const [error, value] = await to<string, Error>(Promise.resolve("text"));
    if (error === null) expectTypeOf(value).toEqualTypeOf<string>();
    expect(value).toBe("text");
  });
});

describe("toSync", () => {
  it("wraps a throwing function", () => {
    const [error] = toSync(() => JSON.parse("{"));
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("wraps a returning function", () => {
    expect(toSync(() => JSON.parse("[1]"))).toEqual([null, [1]]);
  });
});

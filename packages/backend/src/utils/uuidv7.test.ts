import { describe, expect, it } from "vitest";
import { ValidationError } from "../shared/errors.js";
import { isUUIDv7, uuidv7, uuidv7Date } from "./uuidv7.js";

describe("uuidv7", () => {
  it("returns a lower-case version 7, variant 1 UUID", () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUIDv7(id)).toBe(true);
  });

  it("sorts as text in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("encodes its creation time", () => {
    const before = Date.now();
    const id = uuidv7();
    const at = uuidv7Date(id).getTime();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it("rejects other UUID versions and junk", () => {
    expect(isUUIDv7(crypto.randomUUID())).toBe(false);
    expect(isUUIDv7("not-a-uuid")).toBe(false);
    expect(isUUIDv7(42)).toBe(false);
    expect(() => uuidv7Date(crypto.randomUUID())).toThrow(ValidationError);
  });
});

import { describe, expect, it } from "vitest";
import { partLength, planParts } from "./multipart.js";
import { R2_LIMITS } from "./options.js";

const MiB = 1024 * 1024;

describe("planParts", () => {
  it("cuts into equal parts of the minimum size with a shorter last part", () => {
    const plan = planParts(2 * 5 * MiB + 1, 5 * MiB);
    expect(plan).toEqual({ partSize: 5 * MiB, partCount: 3 });
    expect([1, 2, 3].map((n) => partLength(2 * 5 * MiB + 1, plan, n))).toEqual([5 * MiB, 5 * MiB, 1]);
  });

  it("makes an exact multiple into full parts only", () => {
    const plan = planParts(20 * MiB, 10 * MiB);
    expect(plan).toEqual({ partSize: 10 * MiB, partCount: 2 });
    expect(partLength(20 * MiB, plan, 2)).toBe(10 * MiB);
  });

  it("uses one part for a file smaller than a part", () => {
    const plan = planParts(100, 5 * MiB);
    expect(plan).toEqual({ partSize: 5 * MiB, partCount: 1 });
    expect(partLength(100, plan, 1)).toBe(100);
  });

  it.each([100 * 1024 * MiB, R2_LIMITS.maxParts * 5 * MiB + 1, R2_LIMITS.maxObjectBytes])(
    "grows parts in whole MiB to stay within 10,000 parts for %i bytes",
    (size) => {
      const plan = planParts(size, 5 * MiB);
      expect(plan.partCount).toBeLessThanOrEqual(R2_LIMITS.maxParts);
      expect(plan.partSize % MiB).toBe(0);
      expect(plan.partSize).toBeLessThanOrEqual(R2_LIMITS.maxPartBytes);
      const last = partLength(size, plan, plan.partCount);
      expect(last).toBeGreaterThan(0);
      expect(last).toBeLessThanOrEqual(plan.partSize);
      expect(plan.partSize * (plan.partCount - 1) + last).toBe(size);
    },
  );
});

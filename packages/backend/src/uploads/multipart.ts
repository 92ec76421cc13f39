import { R2_LIMITS } from "./options.js";

const MiB = 1024 * 1024;

/** @internal How a file of `size` bytes is cut into parts. */
export interface PartPlan {
  /** Size of every part but the last, which holds the rest (1 to `partSize` bytes). */
  partSize: number;
  partCount: number;
}

/**
 * @internal Equal parts of `minimumPartSize` (R2 requires every part but the last to be the same
 * size), grown in whole MiB when the file would otherwise need more than 10,000 parts.
 * Deterministic, so part URLs can be signed again later from the recorded size alone.
 */
export function planParts(size: number, minimumPartSize: number): PartPlan {
  const smallestFitting = Math.ceil(Math.ceil(size / R2_LIMITS.maxParts) / MiB) * MiB;
  const partSize = Math.max(minimumPartSize, smallestFitting);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** @internal Byte length of part `partNumber` (1-based) of a file of `size` bytes. */
export function partLength(size: number, plan: PartPlan, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}

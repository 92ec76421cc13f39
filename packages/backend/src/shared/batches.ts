/** How the cleanup jobs size their batches. */
export interface BatchOptions {
  /** Rows in the first batch. @default 200 */
  initial?: number;
  /** Smallest batch. @default 10 */
  min?: number;
  /** Largest batch. @default 2000 */
  max?: number;
  /** Time one batch may hold the database (and, with an embedded database, the event loop). @default 5 */
  targetMs?: number;
}

/**
 * @internal Runs `deleteBatch(limit)` until it deletes fewer than `limit` rows. Each batch is its
 * own short write, sized by time rather than by rows: a batch slower than `targetMs` halves the
 * next one, a batch under half of it doubles it. The loop yields to the event loop between
 * batches, so a cleanup of millions of rows never holds the write lock (or, with an embedded
 * libSQL file, the event loop) for long and requests interleave with it.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  options: BatchOptions = {},
): Promise<number> {
  const { initial = 200, min = 10, max = 2000, targetMs = 5 } = options;
  let limit = Math.min(max, Math.max(min, initial));
  let total = 0;
  for (;;) {
    const started = performance.now();
    const deleted = await deleteBatch(limit);
    const took = performance.now() - started;
    total += deleted;
    if (deleted < limit) return total;
    if (took > targetMs) limit = Math.max(min, Math.floor(limit / 2));
    else if (took < targetMs / 2) limit = Math.min(max, limit * 2);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** @internal drizzle's `batch` wants a non-empty tuple; a flow always has at least one statement. */
export function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  if (items.length === 0) throw new Error("batch: no statements");
  return items as [T, ...T[]];
}

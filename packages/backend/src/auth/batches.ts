/** Rows deleted per statement by the cleanup jobs. */
export const PRUNE_BATCH_SIZE = 500;

/**
 * @internal Runs `deleteBatch(limit)` until it deletes fewer than `limit` rows. Each batch is its
 * own short write, and the loop yields to the event loop between batches, so a cleanup of millions
 * of rows never holds the database's write lock for long and requests interleave with it.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  batchSize: number = PRUNE_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

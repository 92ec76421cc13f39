import { monitorEventLoopDelay } from "node:perf_hooks";

/** Median, min and max of one figure over the rounds. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [...samples] };
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, samples: [...samples] };
}

/** One thing to measure: an async operation run back to back by one caller. */
export interface Contender {
  name: string;
  op: () => Promise<unknown>;
}

/** Options of {@link race}. */
export interface RaceOptions {
  /** Timed rounds; every contender runs once per round. */
  rounds: number;
  /** Milliseconds each contender runs per round (at least `minOps` operations). */
  msPerRound: number;
  /** Operations at least, even past `msPerRound`. */
  minOps?: number;
  /** Untimed milliseconds per contender before the first round (JIT, caches, prepared statements). */
  warmupMs?: number;
}

/** Operations per second of each contender, one sample per round. */
export type RaceResult = Map<string, number[]>;

async function batch(op: () => Promise<unknown>, ms: number, minOps: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms || count < minOps) {
    await op();
    count++;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

/**
 * Runs the contenders in rounds, alternating them: round r starts with contender r (mod n) and
 * every odd round runs the order backwards, so no contender always runs first, last or right
 * after the same neighbour. The machine is shared and noisy; ratios are therefore taken per round
 * (see {@link ratio}), between batches that ran seconds apart at most.
 */
export async function race(contenders: readonly Contender[], options: RaceOptions): Promise<RaceResult> {
  const minOps = options.minOps ?? 3;
  const result: RaceResult = new Map(contenders.map((contender) => [contender.name, []]));
  if (options.warmupMs) for (const contender of contenders) await batch(contender.op, options.warmupMs, 1);
  for (let round = 0; round < options.rounds; round++) {
    const order = contenders.map((_, index) => contenders[(index + round) % contenders.length] as Contender);
    if (round % 2 === 1) order.reverse();
    for (const contender of order) {
      result.get(contender.name)?.push(await batch(contender.op, options.msPerRound, minOps));
    }
  }
  return result;
}

/** Per-round ratio of two series (`a[i] / b[i]`), summarised. */
export function ratio(a: readonly number[], b: readonly number[]): Stats {
  return stats(a.map((value, index) => value / (b[index] ?? Number.NaN)));
}

/** Per-round values of `f` over several series of equal length. */
export function perRound(series: readonly (readonly number[])[], f: (...values: number[]) => number): number[] {
  const length = Math.min(...series.map((values) => values.length));
  return Array.from({ length }, (_, index) => f(...series.map((values) => values[index] ?? Number.NaN)));
}

/** Milliseconds per operation from operations per second. */
export function latency(rates: readonly number[]): number[] {
  return rates.map((rate) => 1000 / rate);
}

/** Runs `fn` while measuring the event loop's delays (resolution 1 ms); max and p99 in ms. */
export async function withLoopDelay<T>(fn: () => Promise<T>): Promise<{ value: T; maxMs: number; p99Ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // A timer of our own as well: the histogram only records once the loop gets back to it.
  let last = performance.now();
  let maxGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 5));
  last = performance.now();
  try {
    const value = await fn();
    await new Promise((resolve) => setTimeout(resolve, 5));
    return {
      value,
      // Both record whole intervals, which include the 1 ms period itself.
      maxMs: Math.max(histogram.max / 1e6 - 1, maxGap - 1, 0),
      p99Ms: Math.max(histogram.percentile(99) / 1e6 - 1, 0),
    };
  } finally {
    histogram.disable();
    clearInterval(probe);
  }
}

import { createRequire } from "node:module";

/** One SQLite statement's synchronous run on the main thread. */
export interface StatementRun {
  start: number;
  ms: number;
}

type Method = (...args: unknown[]) => unknown;

/**
 * Records how long each SQLite statement runs on the main thread while `fn` runs. @libsql/client
 * runs `file:` databases through the `libsql` native module, whose statements are synchronous:
 * the time recorded here is time the event loop could not run anything else. Wraps the native
 * statement methods for the duration of `fn` only.
 */
export async function withStatementTiming<T>(fn: () => Promise<T>): Promise<{ value: T; runs: StatementRun[] }> {
  const require = createRequire(createRequire(import.meta.url).resolve("@libsql/client"));
  const Database = require("libsql") as new (path: string) => { prepare(sql: string): object; close(): void };
  const scratch = new Database(":memory:");
  const proto = Object.getPrototypeOf(scratch.prepare("SELECT 1")) as Record<string, Method>;
  scratch.close();
  const runs: StatementRun[] = [];
  const originals = new Map<string, Method>();
  for (const name of ["all", "run", "get"]) {
    const original = proto[name];
    if (typeof original !== "function") continue;
    originals.set(name, original);
    proto[name] = function timed(this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        runs.push({ start, ms: performance.now() - start });
      }
    };
  }
  try {
    return { value: await fn(), runs };
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
}

/** The event loop's longest stall while `fn` runs, and how much of it was synchronous SQL. */
export async function worstStall<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; stallMs: number; sqlMs: number; statements: number }> {
  let last = performance.now();
  let worst = { from: last, to: last };
  const probe = setInterval(() => {
    const now = performance.now();
    if (now - last > worst.to - worst.from) worst = { from: last, to: now };
    last = now;
  }, 1);
  try {
    const { value, runs } = await withStatementTiming(fn);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const inside = runs.filter((run) => run.start >= worst.from && run.start <= worst.to);
    return {
      value,
      stallMs: Math.max(0, worst.to - worst.from - 1),
      sqlMs: inside.reduce((sum, run) => sum + run.ms, 0),
      statements: inside.length,
    };
  } finally {
    clearInterval(probe);
  }
}

import { inspect } from "node:util";

// Shared by the wrong-typed-argument tests of each subpath (test/arguments*.test.ts).

export const MARKER = "MARKER-c0ffee";
export const HUGE = `${MARKER}${"x".repeat(2_000_000)}`;
export const noPrototype = Object.create(null) as object;

/** Values of every wrong type, plus a huge string carrying a marker that must never be echoed. */
export const WRONG: readonly unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  10n,
  true,
  "",
  MARKER,
  HUGE,
  Symbol(MARKER),
  {},
  [],
  [MARKER],
  noPrototype,
  { toString: () => MARKER },
  () => MARKER,
  new Date(Number.NaN),
];

export type Outcome = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown };

export async function call(fn: () => unknown): Promise<Outcome> {
  try {
    return { kind: "returned", value: await fn() };
  } catch (error) {
    return { kind: "threw", error };
  }
}

export function closeIfDatabase(value: unknown): void {
  const client = (value as { $client?: { close?: () => void } } | null)?.$client;
  if (typeof client?.close === "function") client.close();
}

export function describeValue(value: unknown): string {
  if (typeof value === "string" && value.length > 40) return `string(${value.length})`;
  try {
    return inspect(value, { depth: 0 }).slice(0, 40);
  } catch {
    return typeof value;
  }
}

/**
 * One public function and one argument position. `accepts` lists the wrong-looking values that
 * are valid there (`undefined` for an optional argument); `neverThrows` marks functions documented
 * to return for any input.
 */
export interface ArgumentCase {
  name: string;
  call: (value: unknown) => unknown;
  accepts?: (value: unknown) => boolean;
  neverThrows?: boolean;
  /** Valid values not tried, because they would open `file:local.db` in the working directory. */
  skip?: (value: unknown) => boolean;
}

/** What calling every case with every wrong value found. */
export interface ArgumentReport {
  calls: number;
  /** Calls that threw something other than a typed error of the package. */
  untyped: string[];
  /** Calls that returned where they should refuse, threw where documented not to, or echoed the input. */
  wrong: string[];
}

/** Calls each case with each of {@link WRONG}, sorting the outcomes; `typed` decides what counts as a typed error. */
export async function runArgumentCases(
  cases: readonly ArgumentCase[],
  typed: (error: unknown) => boolean,
): Promise<ArgumentReport> {
  const report: ArgumentReport = { calls: 0, untyped: [], wrong: [] };
  for (const c of cases) {
    for (const value of WRONG) {
      if (c.skip?.(value)) continue;
      report.calls++;
      const outcome = await call(() => c.call(value));
      if (outcome.kind === "returned") closeIfDatabase(outcome.value);
      const label = `${c.name} with ${describeValue(value)}`;
      if (outcome.kind === "returned") {
        if (!c.neverThrows && !c.accepts?.(value)) report.wrong.push(`${label}: returned instead of refusing`);
        continue;
      }
      const { error } = outcome;
      if (!typed(error)) {
        report.untyped.push(`${label}: ${describeValue(error)}`);
        continue;
      }
      if (c.neverThrows) report.wrong.push(`${label}: threw although documented not to`);
      const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
      if (shown.includes(MARKER) || shown.length > 2_000) report.wrong.push(`${label}: echoed the input`);
    }
  }
  return report;
}

/** Whether `value` is what an optional options argument may be: undefined or a plain object. */
export const isOptionsObject = (value: unknown): boolean =>
  value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value));

/**
 * The cases `/database` and `/database/postgres` share (the migrator, the error helpers, the column
 * helpers, the health route), for the subpath module `d` and a migrated database `db` of its dialect.
 */
export function databaseCases(d: Record<string, (...args: unknown[]) => unknown>, db: unknown): ArgumentCase[] {
  return [
    { name: "migrate(db)", call: (v) => d.migrate?.(v) },
    { name: "migrate(db, options)", call: (v) => d.migrate?.(db, v), accepts: isOptionsObject },
    {
      name: "migrate(db, { migrationsFolder })",
      call: (v) => d.migrate?.(db, { migrationsFolder: v }),
      accepts: (v) => v === undefined || v === "",
    },
    { name: "catchConflict(write)", call: (v) => d.catchConflict?.(v), neverThrows: true },
    { name: "toConflictError(error)", call: (v) => d.toConflictError?.(v), neverThrows: true },
    { name: "toDatabaseError(error)", call: (v) => d.toDatabaseError?.(v), neverThrows: true },
    { name: "isDatabaseBusy(error)", call: (v) => d.isDatabaseBusy?.(v), neverThrows: true },
    { name: "id(name)", call: (v) => d.id?.(v), accepts: (v) => v === undefined || v === "" || v === MARKER },
    { name: "userId(name)", call: (v) => d.userId?.(v), accepts: (v) => v === undefined || v === "" || v === MARKER },
    { name: "timestamps()", call: (v) => d.timestamps?.(v), neverThrows: true },
    {
      name: "extendUsersRelations(extra)",
      call: (v) => d.extendUsersRelations?.(v),
      accepts: (v) => typeof v === "function",
    },
    { name: "createHealthHandler(options)", call: (v) => d.createHealthHandler?.(v) },
    { name: "createHealthHandler({ db })", call: (v) => d.createHealthHandler?.({ db: v }) },
    {
      name: "createHealthHandler({ migrationsFolder })",
      call: (v) => d.createHealthHandler?.({ db, migrationsFolder: v }),
      accepts: (v) => v === undefined || v === MARKER,
    },
    {
      name: "createHealthHandler({ timeoutMs })",
      call: (v) => d.createHealthHandler?.({ db, timeoutMs: v }),
      accepts: (v) => v === undefined,
    },
    {
      name: "createHealthHandler({ onError })",
      call: (v) => d.createHealthHandler?.({ db, onError: v }),
      accepts: (v) => v === undefined || typeof v === "function",
    },
    { name: "packageMigrationList()", call: (v) => d.packageMigrationList?.(v), neverThrows: true },
  ];
}

import type { Database } from "@tetrastack/backend/database";
import { inRequest, type RequestScope } from "./next-headers.js";

/** What every section gets: the run's scratch directory and main database, and the run's pace. */
export interface BenchContext {
  dir: string;
  /** `file:` URL of the main database (package tables, plain Auth.js tables, better-auth tables). */
  url: string;
  db: Database;
  /** `--quick`: fewer and shorter rounds, to check the harness end to end. */
  quick: boolean;
  log: (message: string) => void;
}

/** Rounds and batch length, shortened by `--quick`. */
export function pace(context: BenchContext, rounds: number, msPerRound: number) {
  return context.quick
    ? { rounds: Math.min(rounds, 3), msPerRound: Math.max(50, msPerRound / 4), warmupMs: 50 }
    : { rounds, msPerRound, warmupMs: Math.min(msPerRound, 300) };
}

/** A Server Component render's scope for a same-origin http request carrying `cookies`. */
export function componentScope(cookies: Record<string, string>): RequestScope {
  const jar = new Map(Object.entries(cookies).map(([name, value]) => [name, { value, options: {} }]));
  const cookieHeader = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  return {
    cookies: jar,
    readOnly: true,
    headers: new Headers({
      host: "localhost:3000",
      "x-forwarded-proto": "http",
      "x-forwarded-for": "198.51.100.23",
      "user-agent": "bench-component/1.0",
      cookie: cookieHeader,
    }),
  };
}

/** Runs `fn` as a Server Component render with this scope. */
export function asComponent<T>(scope: RequestScope, fn: () => Promise<T>): Promise<T> {
  return inRequest(scope, fn);
}

/** Fails the run loudly when a contender does not do what it is measured for. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`bench setup: ${message}`);
}

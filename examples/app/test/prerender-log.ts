import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What Next.js logs when a page breaks Cache Components' rules: request data or an uncached read
 * outside <Suspense> ("encountered uncached or runtime data during prerendering"), or the clock,
 * randomness or crypto read before any request data ("encountered the unstable value `Date.now()`
 * while prerendering"), at build time or, with partial prefetching, at run time.
 */
const PRERENDER_PROBLEM =
  /encountered (?:uncached or runtime data|the unstable value .*?) (?:during|while) prerendering|Error occurred prerendering|blocking-prerender|used `[^`]+` (?:before|inside)/;

/** The lines of `log` that report a prerender problem. */
export function prerenderProblems(log: string): string[] {
  return log.split("\n").filter((line) => PRERENDER_PROBLEM.test(line));
}

/** The output of the last `pnpm build` (scripts/build.mjs keeps it in .next/build.log). */
export function buildLog(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", ".next", "build.log");
  if (!existsSync(file))
    throw new Error("No .next/build.log: build with `pnpm --filter @tetrastack/example-app build`");
  return readFileSync(file, "utf8");
}

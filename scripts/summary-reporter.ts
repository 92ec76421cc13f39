import type { Reporter, TestModule } from "vitest/node";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Prints plain closing lines after vitest's own summary: `tests: N passed, N failed, N skipped`
 * for the whole run, then the same per project (the backend has one project per database engine,
 * `backend:<engine>`, so this says how many tests ran on each engine).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byProject = new Map<string, Counts>();
    for (const module of testModules) {
      const name = module.project.name || "(root)";
      let counts = byProject.get(name);
      if (!counts) {
        counts = { passed: 0, failed: 0, skipped: 0 };
        byProject.set(name, counts);
      }
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === "passed" ? "passed" : state === "failed" ? "failed" : "skipped";
        counts[key]++;
        total[key]++;
      }
    }
    const line = (counts: Counts): string =>
      `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    const width = Math.max(0, ...[...byProject.keys()].map((name) => name.length));
    const projects = [...byProject]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, counts]) => `  ${`${name}:`.padEnd(width + 1)} ${line(counts)}\n`);
    process.stdout.write(`\ntests: ${line(total)}\n${projects.join("")}`);
  }
}

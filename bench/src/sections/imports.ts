import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "../context.js";
import { ratio, stats } from "../harness.js";
import type { Figure, Section } from "../report.js";

const benchRoot = fileURLToPath(new URL("..", import.meta.url));

// Runs in a fresh process: imports the specifiers one after the other and reports the time.
const CHILD = `
const specifiers = JSON.parse(process.argv[1]);
const start = performance.now();
for (const specifier of specifiers) await import(specifier);
console.log(JSON.stringify({ ms: performance.now() - start }));
`;

// next-auth imports \`next/server\` without an extension, which plain Node cannot resolve next to
// Next 16; Next's bundler can. This hook adds the extension, as the bundler would, and is loaded
// for both sides of the /auth comparison (it slows every resolution a little).
const NEXT_HOOK = `
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function resolve(s, c, next) { return next(/^next\\\\/[a-z-]+$/.test(s) ? s + '.js' : s, c); }"
));
`;

interface Pair {
  subpath: string;
  baseline: string;
  baselineSpecifiers: string[];
  hook: boolean;
}

const PAIRS: Pair[] = [
  { subpath: "utils", baseline: "nothing (an empty import list)", baselineSpecifiers: [], hook: false },
  {
    subpath: "database",
    baseline: "drizzle-orm + drizzle-orm/libsql + @libsql/client",
    baselineSpecifiers: ["drizzle-orm", "drizzle-orm/libsql", "@libsql/client"],
    hook: false,
  },
  {
    subpath: "uploads",
    baseline: "@aws-sdk/client-s3 + @aws-sdk/s3-request-presigner",
    baselineSpecifiers: ["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"],
    hook: false,
  },
  {
    subpath: "auth",
    baseline: "next-auth + next-auth/providers/credentials + @auth/drizzle-adapter",
    baselineSpecifiers: ["next-auth", "next-auth/providers/credentials", "@auth/drizzle-adapter"],
    hook: true,
  },
];

// Other sessions may rebuild dist/ meanwhile (tsup empties it first): each child holds the build
// lock shared, so a build that takes the lock waits for it, and a failed child is retried.
const LOCK = "/tmp/backend-build.lock";

function coldImport(specifiers: string[], hook: boolean): number {
  for (let attempt = 1; ; attempt++) {
    try {
      return coldImportOnce(specifiers, hook);
    } catch (error) {
      if (attempt >= 5) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000 * attempt);
    }
  }
}

function coldImportOnce(specifiers: string[], hook: boolean): number {
  const args = [
    ...(hook ? ["--import", `data:text/javascript,${encodeURIComponent(NEXT_HOOK)}`] : []),
    "--input-type=module",
    "-e",
    CHILD,
    JSON.stringify(specifiers),
  ];
  const [file, ...rest] = existsSync("/usr/bin/flock")
    ? ["flock", "--shared", LOCK, process.execPath, ...args]
    : [process.execPath, ...args];
  const out = execFileSync(file as string, rest, {
    cwd: benchRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return (JSON.parse(out.trim().split("\n").pop() ?? "{}") as { ms: number }).ms;
}

export async function importCost(context: BenchContext): Promise<Section> {
  const rounds = context.quick ? 2 : 7;
  const runs = PAIRS.flatMap((pair) => [
    { key: `/${pair.subpath}`, specifiers: [`@tetrastack/backend/${pair.subpath}`], hook: pair.hook },
    { key: `base:${pair.subpath}`, specifiers: pair.baselineSpecifiers, hook: pair.hook },
  ]);
  const samples = new Map<string, number[]>(runs.map((run) => [run.key, []]));
  context.log("  import cost (fresh processes)");
  coldImport(["@tetrastack/backend/utils"], false); // warms the OS file cache, untimed
  for (let round = 0; round < rounds; round++) {
    const order = runs.map((_, index) => runs[(index + round) % runs.length] as (typeof runs)[number]);
    if (round % 2 === 1) order.reverse();
    for (const run of order) samples.get(run.key)?.push(coldImport(run.specifiers, run.hook));
  }
  const series = (key: string) => samples.get(key) ?? [];
  const figures: Figure[] = PAIRS.flatMap((pair) => [
    {
      name: `import @tetrastack/backend/${pair.subpath}`,
      unit: "ms" as const,
      stats: stats(series(`/${pair.subpath}`)),
      ...(pair.hook && { note: "with the next/* resolve hook" }),
    },
    {
      name: `import ${pair.baseline}`,
      unit: "ms" as const,
      stats: stats(series(`base:${pair.subpath}`)),
      ...(pair.hook && { note: "with the next/* resolve hook" }),
    },
  ]);
  const ratios: Figure[] = PAIRS.filter((pair) => pair.baselineSpecifiers.length > 0).map((pair) => ({
    name: `/${pair.subpath} ÷ ${pair.baseline}`,
    unit: "×" as const,
    stats: ratio(series(`/${pair.subpath}`), series(`base:${pair.subpath}`)),
  }));
  return {
    title: "Import cost (cold, built dist/)",
    method: `Time to \`import()\` each built subpath in a fresh Node process (${rounds} processes each, alternated with the baselines), against importing its heavy dependencies alone in the same way. Process start-up is not counted.`,
    figures,
    ratios,
    notes: [],
  };
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "./context.js";
import { connect, createContenderTables, packageDatabase, scratchDirectory } from "./fixture.js";
import { interpret } from "./notes.js";
import { stopPostgres } from "./postgres.js";
import { type KeptSection, parsePreviousReport } from "./previous.js";
import { formatValue, markdownCells, markdownTable, Report, type Section } from "./report.js";
import { growth } from "./sections/growth.js";
import { importCost } from "./sections/imports.js";
import { organizationsSection } from "./sections/organizations.js";
import { postgresSection } from "./sections/postgres.js";
import { rateLimiting } from "./sections/rate-limit.js";
import { sessionResolution } from "./sections/sessions.js";
import { signInAndSignUp } from "./sections/signin.js";
import { statementsPerFlowSection } from "./sections/statements.js";
import { tokenVerification } from "./sections/tokens.js";
import { uploadsSection } from "./sections/uploads.js";

const benchRoot = fileURLToPath(new URL("..", import.meta.url));
const SECTIONS: [id: string, run: (context: BenchContext) => Promise<Section>][] = [
  ["sessions", sessionResolution],
  ["signin", signInAndSignUp],
  ["limits", rateLimiting],
  ["tokens", tokenVerification],
  ["uploads", uploadsSection],
  ["imports", importCost],
  ["growth", growth],
  ["postgres", postgresSection],
  ["statements", statementsPerFlowSection],
  // Last, so that the section numbers the notes cite (§1–§3) stay those of the sections before it.
  ["organizations", organizationsSection],
];
/** How each section's title starts, to place sections kept from an earlier report in order. */
const TITLE_STARTS: Record<string, string> = {
  sessions: "Session resolution",
  signin: "Sign-in",
  limits: "Rate limiting",
  tokens: "API keys and access tokens",
  uploads: "Uploads",
  imports: "Import cost",
  growth: "Growth",
  postgres: "PostgreSQL",
  statements: "Statements per flow",
  organizations: "Organizations",
};
const CONTENDERS = [
  "next-auth",
  "@auth/core",
  "@auth/drizzle-adapter",
  "better-auth",
  "drizzle-orm",
  "@libsql/client",
  "pg",
  "@aws-sdk/client-s3",
  "@aws-sdk/s3-request-presigner",
  "@20minutes/s3rver",
  "jose",
  "next",
  "react",
];

function versionOf(name: string): string {
  try {
    const manifest = readFileSync(join(benchRoot, "node_modules", name, "package.json"), "utf8");
    return (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return "?";
  }
}

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpus()[0]?.model ?? "?";
  } catch {
    return cpus()[0]?.model ?? "?";
  }
}

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const started = Number(process.env.BENCH_STARTED_AT ?? Date.now());
// The machine is shared: the load before and after the run says how much the figures can be trusted.
const loadBefore = loadavg()[0] ?? 0;

const scratch = scratchDirectory();
const report = new Report();
try {
  const { url, db } = await packageDatabase(join(scratch.dir, "bench.db"));
  const setup = connect(url);
  await createContenderTables(setup);
  setup.close();
  const context: BenchContext = { dir: scratch.dir, url, db, quick, log: (message) => console.log(message) };
  for (const [id, run] of SECTIONS) {
    if (only && !only.includes(id)) continue;
    const sectionStart = performance.now();
    console.log(`${id}…`);
    const section = report.add(await run(context));
    console.log(`  ${((performance.now() - sectionStart) / 1000).toFixed(1)} s`);
    section.notes.push(...interpret(section));
  }
  db.$client.close();
} finally {
  await stopPostgres();
  scratch.remove();
}

console.log();
console.table(report.consoleRows());
for (const section of report.sections) {
  for (const table of section.tables ?? []) {
    console.log(`\n${table.title}`);
    console.table(table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i]]))));
  }
}

const out = join(benchRoot, "RESULTS.md");
// With --only, the sections this run did not measure are kept from the earlier report (unless
// that was a quick run), so that measuring one section does not erase the others.
const previous = only && !quick && existsSync(out) ? parsePreviousReport(readFileSync(out, "utf8")) : null;
const measured = new Set(report.sections.map((section) => section.title));
const kept: KeptSection[] =
  previous && !previous.quick ? previous.sections.filter((section) => !measured.has(section.title)) : [];
const order = (title: string) => {
  const index = SECTIONS.findIndex(([id]) => title.startsWith(TITLE_STARTS[id] ?? "\u0000"));
  return index === -1 ? SECTIONS.length : index;
};
const entries: { title: string; section?: Section; kept?: KeptSection }[] = [
  ...report.sections.map((section) => ({ title: section.title, section })),
  ...kept.map((section) => ({ title: section.title, kept: section })),
].sort((a, b) => order(a.title) - order(b.title));
const KEPT_MARK = "_Kept from the run of ";
const keptNote =
  kept.length > 0
    ? `Sections not run this time are kept from an earlier run, each marked with its date: ${kept.map((section) => section.title).join("; ")}. `
    : "";

const wallSeconds = (Date.now() - started) / 1000;
const machine = `${cpus().length} cores (${cpuModel()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const lines: string[] = [
  "# Benchmarks of `@tetrastack/backend`",
  "",
  `Written by \`pnpm bench\` (bench/src/main.ts); do not edit by hand. ${quick ? "**Quick run (`--quick`): fewer, shorter rounds; not for quoting.** " : ""}${only ? `Sections run: ${only.join(", ")}. ` : ""}${keptNote}`,
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${machine}`,
  `- Load (1-minute average, on ${cpus().length} cores): ${loadBefore.toFixed(1)} before the run, ${(loadavg()[0] ?? 0).toFixed(1)} after it`,
  `- Wall time of \`pnpm bench\` (build included): ${wallSeconds.toFixed(0)} s`,
  `- Contenders: ${CONTENDERS.map((name) => `${name} ${versionOf(name)}`).join(", ")}; \`@tetrastack/backend\` from this checkout's dist/.`,
  "",
  "Every figure is the median of repeated rounds with their min and max. Every ratio is computed per round between contenders that ran alternately within that round (round r starts with contender r, odd rounds run backwards), then summarised: the machine is shared and noisy, so only same-round ratios are compared. Nothing here is asserted in a unit test.",
  "",
  "## Targets",
  "",
  [markdownTable(report.targets()), ...kept.flatMap((section) => section.targets)].join("\n"),
  "",
];
entries.forEach((entry, index) => {
  lines.push(`## ${index + 1}. ${entry.title}`, "");
  if (entry.kept) {
    const { body } = entry.kept;
    lines.push(
      body.startsWith(KEPT_MARK) ? body : `${KEPT_MARK}${previous?.date ?? "an earlier date"}._\n\n${body}`,
      "",
    );
    return;
  }
  const { section } = entry;
  if (!section) return;
  lines.push(section.method, "");
  if (section.figures.length > 0) lines.push(markdownTable(section.figures), "");
  if (section.ratios.length > 0) lines.push("Ratios (per round):", "", markdownTable(section.ratios), "");
  for (const table of section.tables ?? []) lines.push(`**${table.title}**`, "", markdownCells(table), "");
  if (section.notes.length > 0) lines.push(...section.notes.flatMap((note) => [note, ""]));
});
writeFileSync(out, `${lines.join("\n").trimEnd()}\n`);
console.log(`\nTargets:`);
for (const figure of report.targets()) {
  console.log(
    `  ${figure.target?.met ? "met    " : "NOT met"}  ${figure.name}: ${formatValue(figure.stats.median, figure.unit)} (${figure.target?.text})`,
  );
}
console.log(`\nWrote ${out} (wall time ${wallSeconds.toFixed(0)} s)`);

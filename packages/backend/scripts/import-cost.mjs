// Cold import cost of each built subpath: for each, a fresh Node process imports it once and
// reports the time taken and the packages whose modules were loaded. Usage: node scripts/import-cost.mjs
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const subpaths = process.argv.slice(2).length ? process.argv.slice(2) : ["utils", "database", "uploads", "auth"];
const runs = 5;

// Runs in the child: a loader hook records every resolved ES module URL (require.cache has the
// CommonJS ones), then the import is timed. The hook also resolves next-auth's extensionless
// `next/server`-style imports as Next's bundler does; plain Node cannot load next-auth without it.
const child = `
import { createRequire, register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on("message", (url) => urls.add(url));
register("data:text/javascript," + encodeURIComponent(\`
  let port;
  export function initialize(data) { port = data.port; }
  export async function resolve(specifier, context, next) {
    if (/^next\\\\/(server|headers|navigation)$/.test(specifier)) specifier += ".js";
    const result = await next(specifier, context);
    port.postMessage(result.url);
    return result;
  }\`), { data: { port: port2 }, transferList: [port2] });
const start = performance.now();
let error = null;
try { await import(process.argv[1]); } catch (e) { error = e.code ?? e.message; }
const ms = performance.now() - start;
await new Promise((r) => setTimeout(r, 50));
port1.close();
for (const file of Object.keys(createRequire(import.meta.url).cache)) urls.add(file);
const packages = new Set();
for (const url of urls) {
  const m = /node_modules\\/(?:\\.pnpm\\/[^/]+\\/node_modules\\/)?((?:@[^/]+\\/)?[^/]+)/.exec(url);
  if (m) packages.add(m[1]);
}
console.log(JSON.stringify({ ms, packages: [...packages].sort(), modules: urls.size, error }));
`;

const rows = [];
for (const subpath of subpaths) {
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", child, `@tetrastack/backend/${subpath}`], {
      cwd: root,
      encoding: "utf8",
    });
    last = JSON.parse(out.trim().split("\n").pop());
    samples.push(last.ms);
  }
  samples.sort((a, b) => a - b);
  rows.push({
    subpath: `/${subpath}`,
    "median ms": samples[Math.floor(runs / 2)].toFixed(1),
    "min ms": samples[0].toFixed(1),
    "max ms": samples[runs - 1].toFixed(1),
    modules: last.modules,
    packages: last.packages.join(" ") || "(none)",
    error: last.error ?? "",
  });
}
console.log(`Cold import of each built subpath, ${runs} fresh processes each (Node ${process.version}):`);
console.table(rows);

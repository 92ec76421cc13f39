#!/usr/bin/env node
/**
 * Checks every relative link and anchor in the repository's Markdown, offline: the committed
 * files (`git ls-files`) and the generated API reference in docs/api/ (`docs:build`). A link to
 * a file must name one that exists; a `#fragment` must match a heading of the target (GitHub's
 * slugs) or an `<a id>`/`<a name>`. Links into this repository on GitHub (`<repository>/blob/main/…`,
 * which the npm page needs, since npm does not resolve `../`) are checked as the local path. Other
 * external links (`https:`, `mailto:`) are not fetched: CI has no network to rely on.
 *
 * Usage: node scripts/check-links.mjs. Exits with 1 and lists every broken link.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Every .md file under `dir`, relative to the repository root. */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return name.endsWith(".md") ? [relative(root, path)] : [];
  });
}

/** The text of `markdown` outside fenced code blocks, as [lineNumber, line] pairs. */
function proseLines(markdown) {
  const lines = [];
  let fence = null;
  markdown.split("\n").forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line);
    if (marker) {
      if (fence === null) fence = marker[1][0];
      else if (marker[1][0] === fence) fence = null;
      return;
    }
    if (fence === null) lines.push([index + 1, line]);
  });
  return lines;
}

/** GitHub's heading id: lower case, markup and punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\- _]/gu, "")
    .replace(/ /g, "-");
}

const anchorCache = new Map();
/** The ids a Markdown file defines: heading slugs (numbered when repeated) and HTML ids. */
function anchorsOf(file) {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const ids = new Set();
  const seen = new Map();
  for (const [, line] of proseLines(readFileSync(join(root, file), "utf8"))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      ids.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) ids.add(match[1]);
  }
  anchorCache.set(file, ids);
  return ids;
}

/** Link targets of one line: inline links and images, and reference definitions. */
function targetsOf(line) {
  const withoutCode = line.replace(/`[^`]*`/g, "");
  const targets = [];
  for (const match of withoutCode.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
    targets.push(match[1].replace(/^<|>$/g, ""));
  }
  const definition = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(withoutCode);
  if (definition) targets.push(definition[1]);
  return targets;
}

const committed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file && existsSync(join(root, file)));
const apiDir = join(root, "docs", "api");
const generated = existsSync(apiDir) ? walk(apiDir) : [];
const files = [...new Set([...committed, ...generated])];

// packages/backend/package.json's repository, as the npm page links to it.
const repository = JSON.parse(readFileSync(join(root, "packages", "backend", "package.json"), "utf8")).repository;
const github = repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
const ownLink = new RegExp(`^${github.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(?:blob|tree)/main/`);

const problems = [];
let checked = 0;
for (const file of files) {
  for (const [lineNumber, line] of proseLines(readFileSync(join(root, file), "utf8"))) {
    for (const found of targetsOf(line)) {
      // A link to this repository on GitHub is checked as the file it names, from the root.
      const target = ownLink.test(found) ? `/${found.replace(ownLink, "")}` : found;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue; // https:, mailto:
      const where = `${file}:${lineNumber}`;
      checked++;
      const [pathPart = "", fragment] = target.split("#", 2);
      const from = pathPart.startsWith("/") ? root : join(root, dirname(file));
      const resolved = pathPart === "" ? file : relative(root, resolve(from, decodeURI(pathPart.replace(/^\//, ""))));
      if (resolved.startsWith("..")) {
        problems.push(`${where}: ${target} points outside the repository`);
        continue;
      }
      if (!existsSync(join(root, resolved))) {
        const hint = resolved.startsWith("docs/api") ? " (run `pnpm docs:build` first)" : "";
        problems.push(`${where}: ${target}: no such file${hint}`);
        continue;
      }
      if (fragment === undefined || fragment === "") continue;
      if (!resolved.endsWith(".md")) continue; // line anchors into source files are GitHub's
      if (!anchorsOf(resolved).has(decodeURIComponent(fragment))) {
        problems.push(`${where}: ${target}: ${resolved} has no heading #${fragment}`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`${problems.length} broken link(s) in ${files.length} Markdown files:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`Links: ${checked} relative links and anchors in ${files.length} Markdown files, all resolve.`);

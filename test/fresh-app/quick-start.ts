/**
 * The quick start of packages/backend/README.md (the npm page) as data: the files it tells a new
 * app to create and the packages it tells it to install. The fresh-app test applies exactly these,
 * so the README and the test cannot drift apart.
 *
 * The convention, in the README's "Quick start" section:
 * - a fenced code block whose first line is `// file: <path>` (`# file: <path>` in `sh` blocks,
 *   for `.env.local`) is a file of the app, written verbatim (marker line included) to `<path>`;
 * - every line of an `sh` block that starts with `npm install` is an install command.
 * Other blocks (the run commands, `npx tetrastack-dev-s3`) are for the reader only.
 */
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const packageDir = join(repoRoot, "packages", "backend");
export const readmePath = join(packageDir, "README.md");

/** One `npm install` line: its packages as written (`name` or `name@range`) and whether it is `--save-dev`. */
export interface InstallCommand {
  packages: { name: string; range: string | null }[];
  dev: boolean;
}

export interface QuickStart {
  /** App-relative path → content, in README order. */
  files: Map<string, string>;
  installs: InstallCommand[];
}

/**
 * The files the fresh-app test's journey needs; a quick start without one of them fails here,
 * by name, rather than somewhere in the browser.
 */
export const REQUIRED_FILES = [
  ".env.local",
  "db/index.ts",
  "instrumentation.ts",
  "auth.ts",
  "app/api/auth/[...nextauth]/route.ts",
  "app/sign-up/actions.ts",
  "app/sign-up/page.tsx",
  "app/sign-in/actions.ts",
  "app/sign-in/page.tsx",
  "app/dashboard/page.tsx",
  "proxy.ts",
  "lib/uploads.ts",
] as const;

const FENCE = /^```([^\n`]*)\n([\s\S]*?)^```$/gm;
const FILE_MARKER = /^(?:\/\/|#) file: (\S+)\s*$/;

/** The README's "## Quick start…" section: from that heading to the next `## ` heading. */
export function quickStartSection(readme: string): string {
  const start = readme.search(/^## Quick start\b/m);
  if (start < 0) throw new Error(`${readmePath} has no "## Quick start" section`);
  const rest = readme.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Parses `npm install [--save-dev|-D] a b@1 @scope/c@^2` into its packages. */
export function parseInstall(line: string): InstallCommand {
  const words = line
    .trim()
    .replace(/\s+#.*$/, "")
    .split(/\s+/)
    .slice(2);
  const dev = words.some((word) => word === "--save-dev" || word === "-D");
  const unknownFlag = words.find((word) => word.startsWith("-") && word !== "--save-dev" && word !== "-D");
  if (unknownFlag) throw new Error(`README install line uses ${unknownFlag}, which the fresh-app test does not know`);
  const packages = words
    .filter((word) => !word.startsWith("-"))
    .map((spec) => {
      const at = spec.indexOf("@", 1); // a scope's leading @ is part of the name
      return at < 0 ? { name: spec, range: null } : { name: spec.slice(0, at), range: spec.slice(at + 1) };
    });
  if (packages.length === 0) throw new Error(`README install line names no package: ${line}`);
  return { packages, dev };
}

/** Reads the quick start from `readme` (the README's text). */
export function parseQuickStart(readme: string): QuickStart {
  const section = quickStartSection(readme);
  const files = new Map<string, string>();
  const installs: InstallCommand[] = [];
  for (const [, info = "", body = ""] of section.matchAll(FENCE)) {
    const lang = info.trim().split(/\s+/)[0] ?? "";
    const firstLine = body.split("\n", 1)[0] ?? "";
    const marker = FILE_MARKER.exec(firstLine);
    if (marker?.[1]) {
      const path = normalize(marker[1]);
      if (path.startsWith("..") || path.startsWith("/")) throw new Error(`README file block outside the app: ${path}`);
      if (files.has(path)) throw new Error(`README has two file blocks for ${path}`);
      files.set(path, body);
      continue;
    }
    if (lang === "sh") {
      for (const line of body.split("\n")) if (/^npm install\b/.test(line.trim())) installs.push(parseInstall(line));
    }
  }
  return { files, installs };
}

/** The quick start of packages/backend/README.md as it is on disk. */
export function readQuickStart(): QuickStart {
  return parseQuickStart(readFileSync(readmePath, "utf8"));
}

/** `KEY=value` lines of an env file, in order (comments and blank lines left out). */
export function envEntries(content: string): [string, string][] {
  return content
    .split("\n")
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1] as string, match[2] as string]);
}

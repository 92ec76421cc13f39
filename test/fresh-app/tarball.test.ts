/**
 * What npm users get: the packed tarball's files and metadata, the quick start's shape, and the
 * changesets that set the next version. Fast checks; the slow end-to-end run is fresh-app.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { envEntries, packageDir, parseQuickStart, REQUIRED_FILES, readQuickStart, repoRoot } from "./quick-start";

const tarball = inject("tarball");
let entries: string[];
let unpacked: string;

/** Every file under `dir`, relative to it. */
function walk(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

beforeAll(() => {
  entries = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ""));
  unpacked = mkdtempSync(join(tmpdir(), "tetrastack-unpacked-"));
  execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
});

afterAll(() => {
  if (unpacked) rmSync(unpacked, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the README (the npm page), the LICENSE, package.json and dist/ only", () => {
    expect(entries).toContain("README.md");
    expect(entries).toContain("LICENSE");
    expect(entries).toContain("package.json");
    const others = entries.filter((entry) => !entry.startsWith("dist/"));
    expect(others.sort()).toEqual(["LICENSE", "README.md", "package.json"]);
    expect(readFileSync(join(unpacked, "package", "README.md"), "utf8")).toBe(
      readFileSync(join(packageDir, "README.md"), "utf8"),
    );
    expect(readFileSync(join(unpacked, "package", "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
  });

  it("ships no tests, sources, databases, env files or keys", () => {
    const files = walk(join(unpacked, "package"));
    expect(files.filter((file) => /(^|\/)(test|src)\//.test(file))).toEqual([]);
    expect(files.filter((file) => /\.test\.|\.env|\.db($|-)|\.s3rver|\.dev-mailbox|\.pem$|\.key$/.test(file))).toEqual(
      [],
    );
    for (const file of files) {
      const text = readFileSync(join(unpacked, "package", file), "utf8");
      expect(text, file).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      // Source maps carry the package's own source; never a test file's.
      if (file.endsWith(".map")) {
        const { sources } = JSON.parse(text) as { sources: string[] };
        expect(
          sources.filter((source) => !source.startsWith("../") || /\/test\//.test(source)),
          file,
        ).toEqual([]);
      }
    }
  });

  it("says where it comes from: license, repository, homepage, bugs, keywords", () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, "package", "package.json"), "utf8"));
    expect(manifest.license).toBe("MIT");
    expect(manifest.repository).toMatchObject({ type: "git", directory: "packages/backend" });
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\//);
    expect(manifest.keywords.length).toBeGreaterThan(3);
    expect(manifest.files).toEqual(expect.arrayContaining(["dist", "README.md", "LICENSE"]));
  });
});

describe("the quick start of packages/backend/README.md", () => {
  const quickStart = readQuickStart();
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

  it("has a file block for every file the fresh-app test relies on", () => {
    expect(REQUIRED_FILES.filter((file) => !quickStart.files.has(file))).toEqual([]);
  });

  it("installs the package and every peer dependency a libSQL app with auth and uploads needs", () => {
    const installed = quickStart.installs.flatMap((install) => install.packages.map((spec) => spec.name));
    expect(installed[0]).toBe("@tetrastack/backend");
    // next comes with create-next-app; the PostgreSQL drivers are for /database/postgres.
    const notForThisApp = ["next", "pg", "postgres", "@neondatabase/serverless", "@electric-sql/pglite"];
    const peers = Object.keys(manifest.peerDependencies).filter((name) => !notForThisApp.includes(name));
    expect([...installed].sort()).toEqual(["@tetrastack/backend", ...peers].sort());
    const devOnly = quickStart.installs.filter((install) => install.dev).flatMap((install) => install.packages);
    expect(devOnly.map((spec) => spec.name)).toEqual(["@20minutes/s3rver"]);
  });

  it("sets AUTH_SECRET (empty, to paste openssl's output into), the host trust for next start, and the R2 variables", () => {
    const env = new Map(envEntries(quickStart.files.get(".env.local") ?? ""));
    expect(env.get("AUTH_SECRET")).toBe("");
    expect(quickStart.files.get(".env.local")).toContain("openssl rand -base64 33");
    expect(env.get("AUTH_TRUST_HOST") === "true" || env.has("AUTH_URL")).toBe(true);
    for (const name of ["R2_ENDPOINT", "R2_BUCKET", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"]) {
      expect(env.has(name), name).toBe(true);
    }
  });

  it("refuses a README whose quick start names one file twice or installs with an unknown flag", () => {
    const block = "```ts\n// file: auth.ts\nexport {};\n```\n";
    expect(() => parseQuickStart(`## Quick start\n${block}${block}`)).toThrow(/two file blocks for auth\.ts/);
    expect(() => parseQuickStart("## Quick start\n```sh\nnpm install --legacy-peer-deps x\n```\n")).toThrow(
      /--legacy-peer-deps/,
    );
    expect(() => parseQuickStart("# Nothing here\n")).toThrow(/no "## Quick start" section/);
  });
});

describe("changesets", () => {
  it("set the version: package.json and the CHANGELOG agree on a released 0.x version", () => {
    const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
    expect(version).toMatch(/^0\.[1-9]\d*\.\d+$|^0\.0\.[1-9]\d*$/);
    const changelog = readFileSync(join(packageDir, "CHANGELOG.md"), "utf8");
    expect(changelog.split("\n").find((line) => line.startsWith("## "))).toBe(`## ${version}`);
  });

  it("each pending changeset reads as changesets parses it, so `changeset version` can set the next version", () => {
    const folder = join(repoRoot, ".changeset");
    const files = readdirSync(folder).filter((name) => name.endsWith(".md") && name !== "README.md");
    for (const file of files) {
      const text = readFileSync(join(folder, file), "utf8");
      // While the package is on 0.x a change is a minor (new API) or a patch, never a major.
      expect(text, file).toMatch(/^---\n(?:"@tetrastack\/backend": (?:patch|minor)\n)+---\n\n\S/);
    }
  });
});

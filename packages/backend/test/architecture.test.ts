import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

// The import rules of ARCHITECTURE.md, checked on what the build bundles: esbuild resolves each
// subpath's entry the way tsup does, and its metafile lists every runtime import of every source
// file (type-only imports are erased, as in the build). A rule broken anywhere fails here with
// the file and the import.

const root = fileURLToPath(new URL("..", import.meta.url));
const ENTRIES = [
  ...["auth", "database", "uploads", "uploads/dev", "utils"].map((subpath) => `src/${subpath}/index.ts`),
  "src/uploads/dev/cli.ts",
];

/** Every source file the entries bundle, with its runtime imports (source paths or package names). */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const entry of ENTRIES) {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      packages: "external",
      metafile: true,
      logLevel: "silent",
    });
    const { inputs }: Metafile = result.metafile;
    for (const [file, input] of Object.entries(inputs)) {
      graph.set(
        file,
        input.imports.map((i) => i.path),
      );
    }
  }
  return graph;
}

const graph = await importGraph();
const area = (file: string): string => file.split("/").slice(0, 2).join("/");
const isSource = (path: string): boolean => path.startsWith("src/");
/** Package name of an external import (`@scope/name` or `name`, without a subpath). */
const packageOf = (path: string): string =>
  path
    .split("/")
    .slice(0, path.startsWith("@") ? 2 : 1)
    .join("/");

/** What each area of src/ may import, besides itself. */
const allowed: Record<string, (target: string) => boolean> = {
  "src/shared": () => false,
  "src/utils": (target) => area(target) === "src/shared",
  "src/database": (target) => ["src/shared", "src/utils"].includes(area(target)),
  // The subpaths that use the schema may import its tables and columns, the constraint-error
  // classification and the dialect seam; never a client or a migrator (the database is injected).
  "src/auth": (target) => ["src/shared", "src/utils"].includes(area(target)) || SCHEMA.includes(target),
  "src/uploads": (target) => ["src/shared", "src/utils"].includes(area(target)) || SCHEMA.includes(target),
};
const SCHEMA = [
  "src/database/tables.ts",
  "src/database/columns.ts",
  "src/database/errors.ts",
  "src/database/dialect.ts",
];

/** Which source files may import a third-party package directly. */
const owners: [pattern: RegExp, mayImport: (file: string) => boolean, why: string][] = [
  [/^(next-auth|@auth\/)/, (file) => file.startsWith("src/auth/authjs/"), "only auth/authjs/ imports Auth.js"],
  [/^next(\/|$)/, (file) => file === "src/auth/next/request.ts", "only auth/next/request.ts reads next/headers"],
  [/^@aws-sdk\//, (file) => file === "src/uploads/r2-client.ts", "only uploads/r2-client.ts imports the AWS SDK"],
  [/^@libsql\//, (file) => file.startsWith("src/database/"), "only database/ imports the libSQL driver"],
];

function violations(check: (file: string, target: string) => string | null): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    if (!isSource(file)) continue;
    for (const target of imports) {
      const problem = check(file, target);
      if (problem) found.push(`${file} → ${target}: ${problem}`);
    }
  }
  return found;
}

describe("import rules (ARCHITECTURE.md)", () => {
  it("sees the whole package: every subpath and the auth features", () => {
    const files = [...graph.keys()].filter(isSource);
    expect(files.length).toBeGreaterThan(40);
    expect(files).toEqual(
      expect.arrayContaining([
        "src/auth/features/password-reset.ts",
        "src/uploads/r2-client.ts",
        "src/uploads/dev/dev-s3.ts",
      ]),
    );
  });

  it("keeps each area to what it may import: shared/ imports none of them, subpaths only the schema of database/", () => {
    expect(
      violations((file, target) => {
        if (!isSource(target) || area(target) === area(file)) return null;
        return allowed[area(file)]?.(target) ? null : `${area(file)} may not import ${area(target)}`;
      }),
    ).toEqual([]);
  });

  it("keeps each third-party framework behind its one folder", () => {
    expect(
      violations((file, target) => {
        if (isSource(target)) return null;
        const rule = owners.find(([pattern]) => pattern.test(packageOf(target)) || pattern.test(target));
        return rule && !rule[1](file) ? rule[2] : null;
      }),
    ).toEqual([]);
  });

  it("keeps auth features apart: no feature imports another, the factory or the composed options", () => {
    const composition = ["src/auth/create-auth.ts", "src/auth/options.ts"];
    expect(
      violations((file, target) => {
        if (!file.startsWith("src/auth/features/")) return null;
        if (target.startsWith("src/auth/features/")) return "a feature imports another feature";
        return composition.includes(target) ? "a feature imports the composition" : null;
      }),
    ).toEqual([]);
  });
});

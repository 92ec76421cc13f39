import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

// The import rules of ARCHITECTURE.md, checked on what the build bundles: esbuild resolves each
// subpath's entry the way tsup does, and its metafile lists every runtime import of every source
// file (type-only imports are erased, as in the build). A rule broken anywhere fails here with
// the file and the import.

const root = fileURLToPath(new URL("..", import.meta.url));
const ENTRIES = [
  ...["auth", "database", "database/postgres", "uploads", "uploads/dev", "utils"].map(
    (subpath) => `src/${subpath}/index.ts`,
  ),
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
  "src/database/model.ts",
  "src/database/postgres/tables.ts",
  "src/database/postgres/columns.ts",
];

/** The PostgreSQL dialect's folder inside database/, and what of the rest of database/ it shares. */
const POSTGRES = "src/database/postgres/";
const SHARED_BY_DIALECTS = [
  "src/database/model.ts",
  "src/database/migration-files.ts",
  "src/database/client-kind.ts",
  "src/database/errors.ts",
  // The health check of both dialects: each dialect's subpath hands it its migrations list.
  "src/database/health.ts",
  "src/database/dialect.ts",
];
/** The one module of each dialect that loads its driver. */
const POSTGRES_CLIENT = "src/database/postgres/client.ts";
const SQLITE_DRIVER_MODULES = ["src/database/client.ts", "src/database/busy.ts", "src/database/migrate.ts"];

/** Which source files may import a third-party package directly. */
const owners: [pattern: RegExp, mayImport: (file: string) => boolean, why: string][] = [
  [/^(next-auth|@auth\/)/, (file) => file.startsWith("src/auth/authjs/"), "only auth/authjs/ imports Auth.js"],
  [/^next(\/|$)/, (file) => file === "src/auth/next/request.ts", "only auth/next/request.ts reads next/headers"],
  [/^@aws-sdk\//, (file) => file === "src/uploads/r2-client.ts", "only uploads/r2-client.ts imports the AWS SDK"],
  [/^jose$/, (file) => file.startsWith("src/auth/tokens/"), "only auth/tokens/ imports jose (JWS, JWKS)"],
  [
    /^(@libsql\/|drizzle-orm\/libsql)/,
    (file) => SQLITE_DRIVER_MODULES.includes(file),
    "only database/client.ts (and its busy.ts, migrate.ts) import the libSQL driver",
  ],
  [
    /^(pg|postgres|@electric-sql\/pglite|@neondatabase\/serverless|drizzle-orm\/(node-postgres|postgres-js|pglite|neon-serverless|neon-http))$/,
    (file) => file === POSTGRES_CLIENT,
    "only database/postgres/client.ts imports a PostgreSQL driver",
  ],
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
        "src/auth/features/access-tokens.ts",
        "src/auth/tokens/access-tokens.ts",
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

  it("keeps the dialects apart inside database/: each imports only the other's shared modules", () => {
    expect(
      violations((file, target) => {
        if (!file.startsWith("src/database/") || !target.startsWith("src/database/")) return null;
        const fromPostgres = file.startsWith(POSTGRES);
        if (fromPostgres === target.startsWith(POSTGRES) || SHARED_BY_DIALECTS.includes(target)) return null;
        return fromPostgres
          ? "the PostgreSQL dialect imports SQLite code"
          : "the SQLite dialect imports PostgreSQL code";
      }),
    ).toEqual([]);
  });

  it("sees the PostgreSQL driver imports it checks (the rule above is not vacuous)", () => {
    const imports = graph.get(POSTGRES_CLIENT) ?? [];
    expect(imports).toEqual(expect.arrayContaining(["pg", "drizzle-orm/node-postgres", "drizzle-orm/pglite"]));
    expect(graph.get("src/database/client.ts")).toEqual(expect.arrayContaining(["@libsql/client"]));
    expect(graph.get("src/auth/tokens/access-tokens.ts")).toEqual(expect.arrayContaining(["jose"]));
  });

  it("keeps the JSON API a layer on top: only the composition imports auth/api/, which imports no feature or framework", () => {
    const composition = ["src/auth/create-auth.ts", "src/auth/options.ts"];
    expect(
      violations((file, target) => {
        const fromAPI = file.startsWith("src/auth/api/");
        if (target.startsWith("src/auth/api/") && !fromAPI && !composition.includes(file)) {
          return "only the composition (create-auth.ts, options.ts) imports auth/api/";
        }
        // The endpoints call the flows as createAuth returns them (handed in), never a feature module.
        if (fromAPI && (target.startsWith("src/auth/features/") || target.startsWith("src/auth/authjs/"))) {
          return "auth/api/ reaches features and Auth.js only through what create-auth.ts hands it";
        }
        return null;
      }),
    ).toEqual([]);
    expect([...graph.keys()]).toEqual(expect.arrayContaining(["src/auth/api/handlers.ts", "src/auth/api/binding.ts"]));
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

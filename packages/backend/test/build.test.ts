import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { cjsEntries, esmEntries } from "../tsup.config.js";

// Checks on the built output in dist/ (built by `pnpm test` before vitest runs).
const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as {
  exports: Record<string, unknown>;
  sideEffects: boolean;
  files: string[];
};

type Subpath = "auth" | "database" | "database/postgres" | "uploads" | "uploads/dev" | "utils";

/** Every package an entry pulls in when bundled, read from esbuild's metafile. */
async function bundledPackages(subpath: Subpath): Promise<{ packages: Set<string>; bytes: number }> {
  const result = await build({
    stdin: { contents: `export * from "@tetrastack/backend/${subpath}";`, resolveDir: root },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "node",
    metafile: true,
    logLevel: "silent",
    // Next's tracer (reached through next/cache) requires this optional peer in a try/catch and
    // falls back to its own compiled copy; Next's bundler does the same.
    external: ["@opentelemetry/api"],
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  return { packages, bytes: result.outputFiles[0]?.contents.byteLength ?? 0 };
}

const forbidden: Record<Subpath, string[]> = {
  utils: ["next-auth", "@auth/core", "drizzle-orm", "@libsql/client", "@aws-sdk/client-s3", "zod", "jose"],
  database: [
    "next-auth",
    "@auth/core",
    "@aws-sdk/client-s3",
    "@aws-sdk/s3-request-presigner",
    "pg",
    "postgres",
    "@electric-sql/pglite",
    "@neondatabase/serverless",
    "jose",
  ],
  "database/postgres": [
    "next-auth",
    "@auth/core",
    "@aws-sdk/client-s3",
    "@aws-sdk/s3-request-presigner",
    "@libsql/client",
  ],
  auth: ["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"],
  uploads: ["next-auth", "@auth/core", "@libsql/client", "jose"],
  // The development server loads only s3rver (at run time, from the app): no SDK, driver or Auth.js.
  "uploads/dev": ["next-auth", "@auth/core", "@libsql/client", "drizzle-orm", "@aws-sdk/client-s3"],
};

describe("package exports", () => {
  it("maps exactly the built entries, plus ./package.json", () => {
    const subpaths = Object.keys(esmEntries).map((entry) => `./${entry.replace(/\/index$/, "")}`);
    expect(Object.keys(pkg.exports).sort()).toEqual([...subpaths, "./package.json"].sort());
    expect(pkg.sideEffects).toBe(false);
    // npm would add README and LICENSE by itself; listing them says they are meant to ship.
    expect(pkg.files).toEqual(["dist", "README.md", "LICENSE"]);
  });

  it("points every condition at a file that exists", () => {
    const targets: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === "string") targets.push(value);
      else if (value && typeof value === "object") for (const inner of Object.values(value)) walk(inner);
    };
    walk(pkg.exports);
    for (const target of targets)
      expect({ target, exists: existsSync(`${root}/${target}`) }).toEqual({ target, exists: true });
    for (const entry of Object.keys(cjsEntries)) expect(existsSync(`${root}/dist/${entry}.cjs`)).toBe(true);
  });

  it("ships the tetrastack-dev-s3 bin as an executable ESM file with a shebang", async () => {
    const { statSync } = await import("node:fs");
    const bin = (pkg as unknown as { bin: Record<string, string> }).bin;
    expect(Object.keys(bin)).toEqual(["tetrastack-dev-s3"]);
    const file = `${root}/${bin["tetrastack-dev-s3"]}`;
    expect(readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });

  it.each(["migrations", "migrations/postgres"])("ships the drizzle-kit migrations inside dist/%s", (folder) => {
    const journal = JSON.parse(readFileSync(`${root}/dist/${folder}/meta/_journal.json`, "utf8")) as {
      dialect: string;
      entries: { tag: string }[];
    };
    expect(journal.dialect).toBe(folder === "migrations" ? "sqlite" : "postgresql");
    expect(journal.entries.length).toBeGreaterThan(0);
    for (const { tag } of journal.entries) expect(existsSync(`${root}/dist/${folder}/${tag}.sql`)).toBe(true);
  });

  it("loads /database and /utils through require() too, with the same error brand", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const cjsUtils = require("@tetrastack/backend/utils") as typeof import("../src/utils/index.js");
    const esmUtils = await import("@tetrastack/backend/utils");
    const fromCjs = new cjsUtils.ConflictError("taken");
    expect(fromCjs instanceof esmUtils.ConflictError).toBe(false);
    expect(esmUtils.isTetrastackError(fromCjs, "CONFLICT")).toBe(true);
    const cjsDatabase = require("@tetrastack/backend/database") as typeof import("../src/database/index.js");
    expect(typeof cjsDatabase.createDatabase).toBe("function");
    expect(cjsDatabase.packageMigrationList().length).toBeGreaterThan(0);
    const cjsPostgres =
      require("@tetrastack/backend/database/postgres") as typeof import("../src/database/postgres/index.js");
    expect(typeof cjsPostgres.createDatabase).toBe("function");
    expect(cjsPostgres.packageMigrationList()[0]?.statements[0]).toContain('CREATE TABLE "accounts"');
    expect(esmUtils.isTetrastackError(new cjsPostgres.ConfigError("x"), "CONFIG_INVALID")).toBe(true);
  });
});

describe("import isolation", () => {
  it.each(Object.keys(forbidden) as Subpath[])(
    "/%s does not pull in the other subpaths' heavy dependencies",
    async (subpath) => {
      const { packages } = await bundledPackages(subpath);
      const present = forbidden[subpath].filter((name) => packages.has(name));
      expect(present).toEqual([]);
    },
  );

  it("/database is built on drizzle-orm and @libsql/client, /database/postgres on drizzle-orm and pg, and /utils on uuidv7 and slugify only", async () => {
    // Guards the test above against passing vacuously (e.g. an empty bundle).
    const database = await bundledPackages("database");
    expect([...database.packages]).toEqual(expect.arrayContaining(["drizzle-orm", "@libsql/client"]));
    const postgres = await bundledPackages("database/postgres");
    expect([...postgres.packages]).toEqual(expect.arrayContaining(["drizzle-orm", "pg"]));
    const utils = await bundledPackages("utils");
    expect([...utils.packages].sort()).toEqual(["slugify", "uuidv7"]);
    // slugify's transliteration table is most of it.
    expect(utils.bytes).toBeLessThan(24_000);
  });
});

import { defineConfig } from "tsup";

/** Entry keys mirror the subpath exports (test/build.test.ts, "package exports", keeps them in step). */
export const esmEntries = {
  "auth/index": "src/auth/index.ts",
  "database/index": "src/database/index.ts",
  "database/postgres/index": "src/database/postgres/index.ts",
  "uploads/index": "src/uploads/index.ts",
  "uploads/dev/index": "src/uploads/dev/index.ts",
  "utils/index": "src/utils/index.ts",
};

/** The `bin` commands (package.json `bin`): ESM with their shebang, no declarations. */
export const binEntries = {
  "uploads/dev/cli": "src/uploads/dev/cli.ts",
};

/** drizzle-kit loads schema files through a CommonJS require hook: these also ship as CJS. */
export const cjsEntries = {
  "database/index": "src/database/index.ts",
  "database/postgres/index": "src/database/postgres/index.ts",
  "utils/index": "src/utils/index.ts",
};

export default defineConfig([
  {
    entry: esmEntries,
    format: ["esm"],
    dts: true,
    splitting: true,
    clean: false, // the build script empties dist/ first: two configs cleaning in parallel raced
    target: "es2022",
    platform: "node",
    sourcemap: true,
    // Keep `node:crypto` etc. as written: bundlers and edge runtimes key on the prefix.
    removeNodeProtocol: false,
  },
  {
    entry: cjsEntries,
    format: ["cjs"],
    dts: true,
    splitting: false,
    clean: false,
    target: "es2022",
    platform: "node",
    sourcemap: true,
    // Keep `node:crypto` etc. as written: bundlers and edge runtimes key on the prefix.
    removeNodeProtocol: false,
  },
  {
    entry: binEntries,
    format: ["esm"],
    dts: false,
    splitting: false,
    clean: false,
    target: "es2022",
    platform: "node",
    sourcemap: true,
    removeNodeProtocol: false,
  },
]);

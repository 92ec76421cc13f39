// Bundles a bench entry for plain Node: next-auth 5 imports `next/server` without an extension,
// which plain Node ESM cannot resolve next to Next 16 (see the /auth notes in the README);
// esbuild resolves it as Next's own bundler does. `next/headers` needs Next's request scope, so
// it is swapped for a stub with the same API (src/next-headers.ts), as the package's own
// server-action tests do; the rest of Next stays external, as in a Next server.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const stub = fileURLToPath(new URL("../src/next-headers.ts", import.meta.url));

/** Bundles `entry` (a path) to `outfile` as one ESM file with a source map. */
export async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    // Native or CommonJS-only packages stay where Node finds them; so do the PostgreSQL drivers
    // (pg's optional pg-native cannot be bundled; the others are not installed here, and the
    // package loads only the one in use).
    external: [
      "@libsql/client",
      "libsql",
      "@20minutes/s3rver",
      "esbuild",
      "pg",
      "postgres",
      "@electric-sql/pglite",
      "@neondatabase/serverless",
      // The package's drivers for those, which it imports only for a client of their kind.
      "drizzle-orm/postgres-js",
      "drizzle-orm/pglite",
      "drizzle-orm/neon-serverless",
      "drizzle-orm/neon-http",
    ],
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        "import { fileURLToPath as __fileURLToPath } from 'node:url';",
        "const require = __createRequire(import.meta.url);",
        "const __filename = __fileURLToPath(import.meta.url);",
        "const __dirname = __fileURLToPath(new URL('.', import.meta.url));",
      ].join(" "),
    },
    plugins: [
      {
        name: "next-for-node",
        setup(b) {
          b.onResolve({ filter: /^next\/headers(\.js)?$/ }, () => ({ path: stub }));
          b.onResolve({ filter: /^next\/[a-z-]+$/ }, (resolved) => ({ path: `${resolved.path}.js`, external: true }));
        },
      },
    ],
  });
}

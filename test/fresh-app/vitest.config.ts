import { defineConfig } from "vitest/config";

// The fresh-app project: the packed package (global setup: build if needed, `pnpm pack`), what the
// tarball holds, and a new Next.js app outside the workspace made from ./template and the quick
// start of packages/backend/README.md, built once and driven in Chromium (fresh-app.test.ts).
export default defineConfig({
  test: {
    name: "fresh-app",
    include: ["*.test.ts"],
    environment: "node",
    globalSetup: ["./pack.ts"],
    testTimeout: 120_000,
    // The app's `npm install` and `next build` run in beforeAll: minutes on a cold npm cache.
    hookTimeout: 20 * 60_000,
    fileParallelism: false,
    // Page updates wait on scrypt (about 0.3 s per hash) and server rendering: poll for up to 15 s.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});

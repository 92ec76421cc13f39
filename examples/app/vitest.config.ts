import { defineConfig } from "vitest/config";

// The browser journey: a real Chromium (Debian's package, driven by playwright-core) against the
// production build (`next build`, run by turbo before the tests) served by `next start`.
export default defineConfig({
  test: {
    name: "example-app",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Page updates wait on scrypt (about 0.3 s per hash) and server rendering: poll for up to 15 s.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});

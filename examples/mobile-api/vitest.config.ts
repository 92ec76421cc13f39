import { defineConfig } from "vitest/config";

// The README's curl walkthrough against the production build (`next build`, run by turbo before
// the tests, or by the test itself when missing) served by `next start`.
export default defineConfig({
  test: {
    name: "example-mobile-api",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

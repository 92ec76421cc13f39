import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "backend",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database files; the builds in test/build are shared, see globalSetup.
    globalSetup: ["./test/global-setup.ts"],
    // next-auth 5 beta imports `next/server` without an extension, which only bundlers resolve;
    // inlining it lets vite resolve those imports as Next's bundler does.
    server: { deps: { inline: ["next-auth"] } },
  },
});

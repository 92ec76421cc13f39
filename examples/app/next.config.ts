import type { NextConfig } from "next";

const config: NextConfig = {
  // What `create-next-app` 16.4 turns on: pages prerender a static shell, and request data
  // (the session, search params) streams in behind <Suspense> (app/loading.tsx and the header).
  cacheComponents: true,
  partialPrefetching: true,
  // libSQL loads a native module: keep it out of the server bundle.
  serverExternalPackages: ["@libsql/client", "libsql"],
};

export default config;

import type { NextConfig } from "next";

const config: NextConfig = {
  // libSQL loads a native module: keep it out of the server bundle.
  serverExternalPackages: ["@libsql/client", "libsql"],
};

export default config;

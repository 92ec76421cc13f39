/**
 * Global setup of the fresh-app project: the package as npm would get it. Builds dist/ when it is
 * missing (`pnpm test` builds it first through turbo), then `pnpm pack`s it into a temporary
 * folder outside the workspace; the tests receive the tarball's path through `inject("tarball")`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packageDir } from "./quick-start";

declare module "vitest" {
  export interface ProvidedContext {
    /** Absolute path of the packed `@tetrastack/backend` tarball. */
    tarball: string;
  }
}

const PNPM = ["--yes", "pnpm@10.34.9"];

export default function setup(project: TestProject): () => void {
  if (!existsSync(join(packageDir, "dist", "utils", "index.js"))) {
    execFileSync("npx", [...PNPM, "run", "build"], { cwd: packageDir, stdio: "ignore" });
  }
  const began = performance.now();
  const destination = mkdtempSync(join(tmpdir(), "tetrastack-pack-"));
  execFileSync("npx", [...PNPM, "pack", "--pack-destination", destination], { cwd: packageDir, stdio: "ignore" });
  const [file] = readdirSync(destination).filter((name) => name.endsWith(".tgz"));
  if (!file) throw new Error(`pnpm pack wrote no tarball into ${destination}`);
  console.log(`fresh-app: pnpm pack ${Math.round((performance.now() - began) / 100) / 10} s`);
  project.provide("tarball", join(destination, file));
  return () => rmSync(destination, { recursive: true, force: true });
}

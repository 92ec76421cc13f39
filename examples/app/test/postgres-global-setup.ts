import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

// Global setup of the `example-app:postgres` project: the PostgreSQL server the app runs on. With
// JOURNEY_POSTGRES_URL (an admin URL: the role may CREATE DATABASE) that server; otherwise a
// throwaway PostgreSQL 15 cluster from Debian's binaries, on 127.0.0.1 and a free port, stopped
// (and its directory deleted) at the end of the run. Adapted from the package's
// packages/backend/test/engines/postgres-server.ts. test/app-server.ts makes one database per app.

declare module "vitest" {
  interface ProvidedContext {
    /** The admin URL of the server the app's databases are created on; null on the libSQL project. */
    journeyPostgres: string | null;
  }
}

const run = promisify(execFile);

/** Where Debian's `postgresql-15` puts its programs; `POSTGRES_BIN` points elsewhere. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** Why this machine cannot start a cluster, or null when it can (or a server is given). */
export function postgresUnavailable(): string | null {
  if (process.env.JOURNEY_POSTGRES_URL) return null;
  if (!existsSync(join(POSTGRES_BIN, "initdb")) || !existsSync(join(POSTGRES_BIN, "pg_ctl"))) {
    return `no ${join(POSTGRES_BIN, "initdb")} (apt-get install postgresql, or set JOURNEY_POSTGRES_URL)`;
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return "running as root and there is no postgres user to run the server as";
    }
  }
  return null;
}

/** Runs a server program as the `postgres` OS user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(program: string, args: string[]): Promise<{ stdout: string }> {
  const path = join(POSTGRES_BIN, program);
  return process.getuid?.() === 0 ? run("runuser", ["-u", "postgres", "--", path, ...args]) : run(path, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.JOURNEY_POSTGRES_URL;
  if (given) {
    project.provide("journeyPostgres", given);
    return async () => undefined;
  }
  const missing = postgresUnavailable();
  // vitest.config.ts leaves this project out where the binaries are missing, except under CI.
  if (missing) throw new Error(`The example app's PostgreSQL journey needs a PostgreSQL 15 server: ${missing}`);

  const dir = mkdtempSync(join(tmpdir(), "example-app-pg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  let running = false;
  const stopSync = (): void => {
    if (running) {
      running = false;
      try {
        const args = ["-D", data, "-m", "immediate", "stop"];
        if (process.getuid?.() === 0)
          execFileSync("runuser", ["-u", "postgres", "--", join(POSTGRES_BIN, "pg_ctl"), ...args], { stdio: "ignore" });
        else execFileSync(join(POSTGRES_BIN, "pg_ctl"), args, { stdio: "ignore" });
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // If the run ends without teardown (Ctrl+C), the server still goes.
  process.once("exit", stopSync);
  try {
    await asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    // Durability off: the databases live for one test run.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await asPostgres("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "start"]);
    running = true;
  } catch (error) {
    stopSync();
    throw error;
  }
  project.provide("journeyPostgres", `postgres://postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    if (running) {
      running = false;
      await asPostgres("pg_ctl", ["-D", data, "-m", "fast", "stop"]).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
    process.removeListener("exit", stopSync);
  };
}

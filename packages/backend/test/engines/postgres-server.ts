import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { externalTool } from "../external-tools.js";

// A throwaway PostgreSQL 15 cluster from Debian's binaries, listening on 127.0.0.1 only, for the
// tests that need a real server over TCP (PGlite covers the rest). One per test process: the
// first caller starts it, `stop()` (or the process ending) stops it and deletes its directory.

const run = promisify(execFile);

/** Where Debian's `postgresql-15` puts its programs; `POSTGRES_BIN` points elsewhere. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** A running server: connection URLs for its databases, and a way to make a fresh one. */
export interface PostgresServer {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication: no password). */
  url(database?: string): string;
  /** Creates an empty database with a unique name and returns its URL. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Whether this machine can start a server; prints why not (and fails under
 * `REQUIRE_EXTERNAL_TOOLS=1`). Use as `describe.skipIf(postgresServer.skip)`.
 */
export const postgresServer: { skip: boolean } = externalTool(
  "the PostgreSQL 15 server",
  existsSync(join(POSTGRES_BIN, "initdb")) && existsSync(join(POSTGRES_BIN, "pg_ctl")) && canRunAsPostgres(),
  `no ${join(POSTGRES_BIN, "initdb")}: apt-get install postgresql`,
);

let started: Promise<PostgresServer> | undefined;

/** The server of this test process, started on first use. */
export function startPostgresServer(): Promise<PostgresServer> {
  started ??= start();
  return started;
}

function canRunAsPostgres(): boolean {
  if (process.getuid?.() !== 0) return true;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
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

async function start(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-pg-"));
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
  // If a test file forgets stop(), or the worker ends early, the server still goes.
  process.once("exit", stopSync);
  try {
    await asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    // Durability off: these databases live for one test run.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await asPostgres("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "start"]);
    running = true;
  } catch (error) {
    stopSync();
    throw error;
  }
  const url = (database = "postgres"): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let count = 0;
  return {
    port,
    url,
    async freshDatabase() {
      const name = `test_${process.pid}_${++count}`;
      await asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
      return url(name);
    },
    async stop() {
      if (running) {
        running = false;
        await asPostgres("pg_ctl", ["-D", data, "-m", "fast", "stop"]).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
      process.removeListener("exit", stopSync);
      started = undefined;
    },
  };
}

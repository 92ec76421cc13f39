import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevS3 } from "@tetrastack/backend/uploads/dev";
import pg from "pg";
import { inject } from "vitest";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** The production server under test, its own S3 server and scratch folder, and how to stop them. */
export interface RunningApp {
  url: string;
  /** The app's DATABASE_URL (a file: URL, or a postgres:// URL on the PostgreSQL project). */
  databaseURL: string;
  /** Where the dev mailbox writes (the app reads it for /dev/mailbox). */
  scratch: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Which engine the app runs on in this test project (vitest.config.ts): libSQL or PostgreSQL. */
export const journeyEngine: "libsql" | "postgres" = inject("journeyPostgres") ? "postgres" : "libsql";

let databases = 0;

/**
 * The app's DATABASE_URL: a new libSQL file in `scratch`, or on the `example-app:postgres`
 * project a new, empty database on its server (test/postgres-global-setup.ts), and how to drop it.
 */
async function freshDatabase(scratch: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = inject("journeyPostgres");
  // The file goes with the scratch folder.
  if (!admin) return { url: `file:${join(scratch, "app.db")}`, drop: async () => undefined };
  const name = `example_app_${process.pid}_${++databases}`;
  await onAdmin(admin, `CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  // Once the app has stopped; FORCE ends a connection it may have left (JOURNEY_POSTGRES_URL's
  // server outlives the run, so nothing is left there).
  return { url: url.toString(), drop: () => onAdmin(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function onAdmin(admin: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A port nothing listens on at 127.0.0.1 right now, chosen by the OS. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForHTTP(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`next start did not answer within 60 s:\n${logs()}`);
}

/**
 * Starts `next start` on the existing production build, on a free 127.0.0.1 port, with a fresh
 * database (a libSQL file, or a PostgreSQL database on the `example-app:postgres` project), a fresh local S3 server (`startDevS3`: bucket + the app origin's CORS rule), `AUTH_TRUST_HOST` and the
 * dev mailbox turned on. Builds nothing: `pnpm --filter @tetrastack/example-app build` comes first.
 * `overrides` change the environment; a variable set to undefined is removed.
 */
export async function startApp(overrides: Record<string, string | undefined> = {}): Promise<RunningApp> {
  if (!existsSync(join(appDir, ".next", "BUILD_ID"))) {
    throw new Error(
      "No production build in examples/app/.next: run `pnpm --filter @tetrastack/example-app build` first",
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), "example-app-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await freshDatabase(scratch);
  const databaseURL = database.url;
  const s3 = await startDevS3({ allowedOrigins: [url], directory: join(scratch, "s3"), port: 0 });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseURL,
    AUTH_SECRET: randomBytes(33).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    APP_URL: url, // origin of the links in mails
    // The only thing not real: mail goes to the dev mailbox (a file the app serves at /dev/mailbox).
    DEV_MAILBOX: "1",
    DEV_MAILBOX_FILE: join(scratch, "mailbox.jsonl"),
    // R2_ENDPOINT, R2_BUCKET and the keys of the package's local S3 server.
    ...s3.env,
  };
  for (const name of ["AUTH_URL", "NEXTAUTH_URL", "R2_ACCOUNT_ID", "DATABASE_AUTH_TOKEN"]) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  let output = "";
  const child = spawn(
    process.execPath,
    [require.resolve("next/dist/bin/next"), "start", "--hostname", "127.0.0.1", "--port", String(port)],
    // detached: its own process group, so stop() ends next and anything it started, by PID.
    { cwd: appDir, detached: true, stdio: ["ignore", "pipe", "pipe"], env },
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const logs = () => output;

  async function stop(): Promise<void> {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
    }
    await s3.stop();
    await database.drop();
    rmSync(scratch, { recursive: true, force: true });
  }

  try {
    await waitForHTTP(url, child, logs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, databaseURL, scratch, logs, stop };
}

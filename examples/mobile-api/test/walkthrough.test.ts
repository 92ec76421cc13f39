/**
 * The README's curl walkthrough, run as it is written: the ```sh block under "Try it with curl" is
 * executed by bash (curl and jq, as a reader would run it) against the production build served by
 * `next start` on a free 127.0.0.1 port, with a fresh libSQL file and the example app's local S3
 * server (s3rver, which verifies signatures as R2 does). Every `# …` line under a command is the
 * output that command must print, `…` standing for ids, tokens and dates. Nothing is mocked.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevS3 } from "@tetrastack/backend/uploads/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const nextBin = require.resolve("next/dist/bin/next");

/** One command of the walkthrough and the output the README says it prints (if it says one). */
interface Step {
  command: string;
  expected: string | null;
}

/** The commands of the README's "Try it with curl" block, each with the `# ` line that follows it. */
function walkthrough(): { setup: string; steps: Step[] } {
  const readme = readFileSync(join(appDir, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Try it with curl"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README.md has no ```sh block under ## Try it with curl");
  const steps: Step[] = [];
  let setup = "";
  let pending = "";
  for (const line of block.split("\n")) {
    if (pending) {
      pending += `\n${line}`;
      if (!line.endsWith("\\")) {
        steps.push({ command: pending, expected: null });
        pending = "";
      }
      continue;
    }
    if (line.trim() === "") continue;
    if (line.startsWith("# ")) {
      const last = steps.at(-1);
      // A comment right under a command is its output; other comments explain.
      if (last && last.expected === null && !/^# [A-Z]/.test(line)) last.expected = line.slice(2);
      continue;
    }
    if (line.startsWith("API=")) {
      setup = line;
      continue;
    }
    if (line.endsWith("\\")) pending = line;
    else steps.push({ command: line, expected: null });
  }
  return { setup, steps };
}

/** The expected output as a pattern: literal text, `…` matching anything. */
function pattern(expected: string): RegExp {
  const parts = expected.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*?")}$`);
}

async function waitForHTTP(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`next start did not answer within 60 s:\n${logs()}`);
}

let url = "";
let scratch = "";
let output = "";
let child: ChildProcess | undefined;
let s3: Awaited<ReturnType<typeof startDevS3>> | undefined;

beforeAll(async () => {
  // Build once when there is no build (turbo builds before `pnpm test`; a bare vitest run may not).
  if (!existsSync(join(appDir, ".next", "BUILD_ID"))) {
    execFileSync(process.execPath, [nextBin, "build"], {
      cwd: appDir,
      stdio: "ignore",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
  }
  scratch = mkdtempSync(join(tmpdir(), "mobile-api-walkthrough-"));
  // A phone PUTs without CORS; the bucket rule needs an origin all the same.
  s3 = await startDevS3({ allowedOrigins: ["http://127.0.0.1"], directory: join(scratch, "s3"), port: 0 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${join(scratch, "mobile-api.db")}`,
    AUTH_SECRET: randomBytes(33).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    ...s3.env,
  };
  for (const name of ["AUTH_URL", "NEXTAUTH_URL", "R2_ACCOUNT_ID", "DATABASE_AUTH_TOKEN"]) delete env[name];
  child = spawn(process.execPath, [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    // Its own process group, so afterAll ends next and anything it started, by PID.
    cwd: appDir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await waitForHTTP(`${url}/api/auth/get-session`, child, () => output);
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((done) => child?.once("exit", done));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  }
  await s3?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("examples/mobile-api README walkthrough", () => {
  it("prints what the README says, command by command", async () => {
    const { setup, steps } = walkthrough();
    expect(setup).toBe("API=http://127.0.0.1:3001/api");
    expect(steps.filter((step) => step.expected !== null).length).toBeGreaterThanOrEqual(12);
    // One bash for the whole block, so variables (TOKEN, UPLOAD…) carry over; a marker after each
    // command splits the output back into steps.
    const script = [
      "set -u -o pipefail",
      setup.replace("http://127.0.0.1:3001", url),
      ...steps.flatMap((step, index) => [step.command, `printf '\\n@@step ${index}\\n'`]),
    ].join("\n");
    // Asynchronously: s3rver runs in this process and must keep answering the PUT.
    const { stdout } = await promisify(execFile)("bash", ["-c", script], { cwd: scratch, timeout: 60_000 });
    const outputs = stdout.split(/\n?@@step \d+\n/);
    steps.forEach((step, index) => {
      const printed = (outputs[index] ?? "").trim();
      if (step.expected === null) {
        expect({ command: step.command, printed }).toEqual({ command: step.command, printed: "" });
      } else {
        expect({ command: step.command, printed }).toEqual({
          command: step.command,
          printed: expect.stringMatching(pattern(step.expected)),
        });
      }
    });
    expect(output).not.toMatch(/⨯|Error:/);
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../src/database/index.js";
import { ConfigError, startDevS3 } from "../src/uploads/dev/index.js";
import { createUploads } from "../src/uploads/index.js";
import { users } from "./engines/tables.js";
import { createTestDatabase, rejectsWithCode } from "./helpers.js";

// The development S3 server of `/uploads/dev`, run for real: @20minutes/s3rver on 127.0.0.1 with
// the package's createUploads signing against it and Node's fetch doing what a browser does.

const root = fileURLToPath(new URL("..", import.meta.url));
const APP_ORIGIN = "http://localhost:3000";
const scratch = mkdtempSync(join(tmpdir(), "tetrastack-dev-s3-test-"));
let db: Database;
let cleanupDatabase: () => void;
let ownerId: string;

beforeAll(async () => {
  const t = await createTestDatabase();
  db = t.db;
  cleanupDatabase = t.cleanup;
  const [user] = await db.insert(users).values({ email: "dev@example.com" }).returning();
  ownerId = user?.id ?? "";
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  cleanupDatabase?.();
  rmSync(scratch, { recursive: true, force: true });
});

/** Points `R2_*` at the server the way an app's `.env.local` would, and nothing else. */
function stubR2Env(variables: Record<string, string>): void {
  vi.stubEnv("R2_ACCOUNT_ID", "");
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

describe("startDevS3", () => {
  it("serves uploads signed by createUploads({ db }) from the variables it returns, and verifies their signatures", async () => {
    const s3 = await startDevS3({ port: 0, directory: join(scratch, "verify"), allowedOrigins: [APP_ORIGIN] });
    try {
      expect(new URL(s3.endpoint).hostname).toBe("127.0.0.1");
      expect(s3.env).toEqual({
        R2_ENDPOINT: s3.endpoint,
        R2_BUCKET: "dev-uploads",
        R2_ACCESS_KEY_ID: "S3RVER",
        R2_SECRET_ACCESS_KEY: "S3RVER",
      });
      stubR2Env({ ...s3.env });
      // Nothing but the database: endpoint, bucket and keys come from the variables.
      const uploads = createUploads({ db });
      const body = new TextEncoder().encode("%PDF-1.4 offline\n");
      const signed = await uploads.createUploadURL({
        policy: "document",
        filename: "notes.pdf",
        contentType: "application/pdf",
        size: body.byteLength,
        ownerId,
      });
      expect(signed.url.startsWith(`${s3.endpoint}/dev-uploads/`)).toBe(true);

      // A tampered signature is refused: the server really checks SigV4.
      const tampered = new URL(signed.url);
      const signature = tampered.searchParams.get("X-Amz-Signature") ?? "";
      tampered.searchParams.set("X-Amz-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
      const refused = await fetch(tampered, { method: "PUT", headers: signed.headers, body });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("SignatureDoesNotMatch");
      // So is a body of another size than the one signed.
      const longer = await fetch(signed.url, { method: "PUT", headers: signed.headers, body: new Uint8Array(99) });
      expect(longer.status).toBe(403);
      // And an unsigned request, as R2 refuses it (s3rver alone would serve it as a public bucket).
      const unsigned = new URL(signed.url);
      unsigned.search = "";
      const anonymous = await fetch(unsigned, { method: "PUT", headers: signed.headers, body });
      expect(anonymous.status).toBe(403);
      expect(await anonymous.text()).toContain("AccessDenied");

      const accepted = await fetch(signed.url, { method: "PUT", headers: signed.headers, body });
      expect(accepted.status).toBe(200);
      const record = await uploads.completeUpload({ key: signed.key, ownerId });
      expect(record).toMatchObject({ status: "uploaded", size: body.byteLength, contentType: "application/pdf" });
      const download = await uploads.createDownloadURL(signed.key, { ownerId });
      const fetched = await fetch(download.url);
      expect(fetched.status).toBe(200);
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(body);
    } finally {
      await s3.stop();
    }
  });

  it("answers the browser's CORS preflight for an allowed origin only", async () => {
    const s3 = await startDevS3({ port: 0, directory: join(scratch, "cors"), allowedOrigins: [APP_ORIGIN] });
    try {
      const preflight = (origin: string): Promise<Response> =>
        fetch(`${s3.endpoint}/${s3.bucket}/attachments/x/file.pdf`, {
          method: "OPTIONS",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
          },
        });
      const allowed = await preflight(APP_ORIGIN);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toMatch(/^(\*|http:\/\/localhost:3000)$/);
      expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
      expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
      const other = await preflight("http://evil.example");
      expect(other.status).toBe(403);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await s3.stop();
    }
  });

  it("listens on 127.0.0.1 only, not on the machine's other addresses", async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === "IPv4" && !address.internal)?.address;
    const s3 = await startDevS3({ port: 0, directory: join(scratch, "loopback") });
    try {
      const port = Number(new URL(s3.endpoint).port);
      await expect(connects("127.0.0.1", port)).resolves.toBe(true);
      // Without a second interface there is nothing more to check; this machine has one (eth0).
      if (external) await expect(connects(external, port)).resolves.toBe(false);
    } finally {
      await s3.stop();
    }
  });

  it("refuses to start under NODE_ENV=production, before creating anything", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const directory = join(scratch, "production");
    const error = await rejectsWithCode(startDevS3({ port: 0, directory }), "CONFIG_INVALID");
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(["NODE_ENV"]);
    expect(error.message).toContain("NODE_ENV=production");
    expect(existsSync(directory)).toBe(false);
  });

  it("refuses a port in use with a ConfigError instead of crashing the process", async () => {
    const busy = await listen();
    try {
      const port = (busy.address() as { port: number }).port;
      const error = await rejectsWithCode(startDevS3({ port, directory: join(scratch, "busy") }), "CONFIG_INVALID");
      expect((error as ConfigError).issues).toEqual([{ path: "port", message: expect.stringContaining("is in use") }]);
    } finally {
      await new Promise((done) => busy.close(done));
    }
  });

  it("lists every invalid option in one ConfigError", async () => {
    const error = await rejectsWithCode(
      startDevS3({ port: 70_000, bucket: "Not_A_Bucket", allowedOrigins: ["http://localhost:3000/"] }),
      "CONFIG_INVALID",
    );
    expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual([
      "allowedOrigins.0",
      "bucket",
      "port",
    ]);
  });
});

describe("tetrastack-dev-s3 (the built bin)", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
  const bin = join(root, pkg.bin["tetrastack-dev-s3"] ?? "");

  it("prints the variables to set, serves on them, and stops on Ctrl+C", async () => {
    const child = spawn(
      process.execPath,
      [bin, "--port", "0", "--directory", join(scratch, "bin"), "--allowed-origin", APP_ORIGIN],
      { env: { ...process.env, NODE_ENV: "development" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const output = await readUntil(child, "Press Ctrl+C to stop.");
    const endpoint = /^R2_ENDPOINT=(.+)$/m.exec(output)?.[1] ?? "";
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toMatch(/^R2_BUCKET=dev-uploads$/m);
    expect(output).toMatch(/^R2_ACCESS_KEY_ID=S3RVER$/m);
    expect(output).toMatch(/^R2_SECRET_ACCESS_KEY=S3RVER$/m);
    expect(output).toContain(`Browser uploads allowed from: ${APP_ORIGIN}`);
    // The server runs there; an unsigned request is refused, a preflight from the origin answered.
    expect((await fetch(`${endpoint}/dev-uploads/anything`)).status).toBe(403);
    const preflight = await fetch(`${endpoint}/dev-uploads/anything`, {
      method: "OPTIONS",
      headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "PUT" },
    });
    expect(preflight.status).toBe(200);
    child.kill("SIGINT");
    expect(await exitCode(child)).toBe(0);
  });

  it("refuses NODE_ENV=production with one line and exit code 1", async () => {
    const child = spawn(process.execPath, [bin, "--port", "0"], {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { code, stderr } = await finished(child);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("refusing to run with NODE_ENV=production");
  });

  it("tells the install command, from the bin and from startDevS3, when the optional @20minutes/s3rver is missing", async () => {
    // The built package, installed on its own in a scratch app: its dependencies, no s3rver.
    const app = mkdtempSync(join(tmpdir(), "tetrastack-no-s3rver-"));
    try {
      const installed = join(app, "node_modules", "@tetrastack", "backend");
      mkdirSync(installed, { recursive: true });
      cpSync(join(root, "dist"), join(installed, "dist"), { recursive: true });
      cpSync(join(root, "package.json"), join(installed, "package.json"));
      for (const dependency of ["zod", "uuidv7", "slugify"])
        symlinkSync(join(root, "node_modules", dependency), join(app, "node_modules", dependency), "dir");
      writeFileSync(join(app, "package.json"), '{ "name": "scratch-app", "private": true }\n');
      // Without NODE_PATH: the runner of these tests sets it to the workspace's hoisted modules.
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", NODE_PATH: "" };
      const child = spawn(process.execPath, [join(installed, pkg.bin["tetrastack-dev-s3"] ?? ""), "--port", "0"], {
        cwd: app,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const { code, stderr } = await finished(child);
      expect(code).toBe(1);
      expect(stderr).toContain("npm install --save-dev @20minutes/s3rver@4");
      expect(stderr).not.toContain("    at ");

      const script = `import("@tetrastack/backend/uploads/dev").then((dev) => dev.startDevS3({ port: 0 })).then(
        () => console.log("started"),
        (error) => console.log(JSON.stringify({ code: error.code, issues: error.issues, message: error.message })))`;
      const api = spawn(process.execPath, ["--input-type=module", "--eval", script], {
        cwd: app,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      api.stdout?.on("data", (chunk) => {
        stdout += chunk;
      });
      expect((await finished(api)).code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        code: "CONFIG_INVALID",
        issues: [
          { path: "@20minutes/s3rver", message: "not installed: run `npm install --save-dev @20minutes/s3rver@4`" },
        ],
        message: expect.stringContaining("npm install --save-dev @20minutes/s3rver@4"),
      });
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

function listen(): Promise<Server> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => done(server));
  });
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
    socket.once("timeout", () => {
      socket.destroy();
      done(false);
    });
  });
}

function readUntil(child: ChildProcess, marker: string): Promise<string> {
  return new Promise((done, fail) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`no "${marker}" within 20 s:\n${output}`));
    }, 20_000);
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      if (output.includes(marker)) {
        clearTimeout(timer);
        done(output);
      }
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before "${marker}":\n${output}`));
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

async function finished(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await exitCode(child);
  clearTimeout(timer);
  return { code, stderr };
}

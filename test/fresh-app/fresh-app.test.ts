/**
 * A new user's first run, for real: a Next.js app made by `create-next-app` 16.4 (./template, with
 * Cache Components on, as it generates them), in a temporary folder outside the workspace, gets
 * the packed package and its peers from npm, exactly the quick-start files of
 * packages/backend/README.md (quick-start.ts reads them), `next build` and `next start`; then
 * Chromium signs up, signs out, fails and succeeds to sign in, opens the protected page and
 * uploads a file to the package's local S3 server (`tetrastack-dev-s3`, run from the app's own
 * install). Nothing is mocked. The build runs once, in beforeAll; the timings are printed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { prerenderProblems } from "../../examples/app/test/prerender-log";
import { externalTool } from "../../packages/backend/test/external-tools";
import { envEntries, packageDir, readQuickStart, repoRoot } from "./quick-start";

const here = dirname(fileURLToPath(import.meta.url));
const templateDir = join(here, "template");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// CI (every provider sets CI) never passes by skipping the first-run path; a developer's machine
// without Chromium skips it with the reason printed.
if (process.env.CI && !existsSync(chromiumPath)) {
  throw new Error(`CI is set and there is no browser at ${chromiumPath}: the fresh-app test is mandatory in CI`);
}
const { skip } = externalTool("Chromium", existsSync(chromiumPath), `no browser at ${chromiumPath}`);
const screenshots = join(repoRoot, "artifacts", "screenshots");

const email = `ada-${Date.now()}@example.com`;
const password = "correct horse battery staple";

/** Seconds per phase, printed at the end. */
const timings: Record<string, number> = {};
let appDir: string;
let appURL: string;
let buildLog = "";
let browser: Browser | undefined;
let page: Page;
const children: { name: string; child: ChildProcess; output: () => string }[] = [];

/** The version of `name` the workspace uses (installed for packages/backend's tests and build). */
function workspaceVersion(name: string): string {
  const manifest = join(packageDir, "node_modules", name, "package.json");
  if (!existsSync(manifest))
    throw new Error(`${name} is not installed in packages/backend: add it to its devDependencies`);
  return JSON.parse(readFileSync(manifest, "utf8")).version;
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

/**
 * The environment of a developer's shell: none of this run's own variables (vitest's NODE_ENV,
 * pnpm's npm_config_*, any AUTH_/R2_/DATABASE_ setting), so that the app reads only its .env.local.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|NODE_ENV$|NODE_OPTIONS$|AUTH_|NEXTAUTH_|R2_|DATABASE_|TEST_ENGINE$)/i.test(name)) {
      continue;
    }
    env[name] = value;
  }
  env.NEXT_TELEMETRY_DISABLED = "1";
  // CI can point npm at a cache it keeps between runs; --prefer-offline then skips revalidation.
  if (process.env.FRESH_APP_NPM_CACHE) env.npm_config_cache = process.env.FRESH_APP_NPM_CACHE;
  return env;
}

/** Runs a command in the app to its end; rejects with its output when it fails. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: appDir, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", fail);
    child.once("close", (code) => {
      if (code === 0) done(output);
      else fail(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}

/** Starts a long-running command in its own process group, stopped by PID in afterAll. */
function start(name: string, command: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, {
    cwd: appDir,
    env: cleanEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const entry = { name, child, output: () => output };
  children.push(entry);
  return entry;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, proc: ChildProcess, logs: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what}: the process exited with ${proc.exitCode}:\n${logs()}`);
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${what}: not ready within 60 s:\n${logs()}`);
}

async function stopAll(): Promise<void> {
  for (const { child } of children.reverse()) {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once("exit", done));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

/** The 1×1 PNG the journey uploads (a real image: the default `avatar` policy takes PNG). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  if (skip) return;
  const quickStart = readQuickStart();

  // 1. create-next-app's output, in a folder no workspace or lockfile of this repository covers.
  appDir = mkdtempSync(join(tmpdir(), "tetrastack-fresh-app-"));
  expect(relative(repoRoot, appDir).startsWith("..")).toBe(true);
  cpSync(templateDir, appDir, { recursive: true });

  // 2. The README's `npm install` lines, with the packed tarball for the package and the
  // workspace's versions for everything else (and for the template's next and react).
  const manifestPath = join(appDir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  for (const name of ["next", "react", "react-dom"]) manifest.dependencies[name] = workspaceVersion(name);
  for (const install of quickStart.installs) {
    const field = install.dev ? "devDependencies" : "dependencies";
    for (const { name, range } of install.packages) {
      if (name === "@tetrastack/backend") {
        manifest[field][name] = `file:${inject("tarball")}`;
        continue;
      }
      const version = workspaceVersion(name);
      // The README's own pin (next-auth@5.0.0-beta.32, @20minutes/s3rver@4) must admit that version.
      if (range !== null) expect(`${version}.`.startsWith(`${range}.`), `${name}@${range} vs ${version}`).toBe(true);
      manifest[field][name] = version;
    }
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  let began = performance.now();
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
  timings["npm install"] = seconds(began);

  // 3. The quick-start files, verbatim; .env.local with the two values a developer fills in.
  const appPort = await freePort();
  appURL = `http://127.0.0.1:${appPort}`;
  for (const [path, content] of quickStart.files) {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), content);
  }

  // `npx tetrastack-dev-s3`, as the README says, from the app's own install; on a free port, with
  // this app's origin in the bucket's CORS rule.
  const s3Port = await freePort();
  const s3 = start("tetrastack-dev-s3", join(appDir, "node_modules", ".bin", "tetrastack-dev-s3"), [
    "--port",
    String(s3Port),
    "--allowed-origin",
    appURL,
    "--directory",
    join(appDir, ".s3rver"),
  ]);
  await waitFor("tetrastack-dev-s3", () => s3.output().includes("Press Ctrl+C"), s3.child, s3.output);
  const printed = new Map(envEntries(s3.output()));

  const envFile = quickStart.files.get(".env.local") ?? "";
  const readmeEnv = envEntries(envFile);
  expect(readmeEnv.filter(([name]) => name.startsWith("R2_")).map(([name]) => name)).toEqual([...printed.keys()]);
  const filled = envFile
    .split("\n")
    .map((line) => {
      const [name] = line.split("=", 1);
      // What `openssl rand -base64 33` prints: 33 random bytes in base64.
      if (line === "AUTH_SECRET=") return `AUTH_SECRET=${randomBytes(33).toString("base64")}`;
      if (name && printed.has(name)) return `${name}=${printed.get(name)}`;
      return line;
    })
    .join("\n");
  writeFileSync(join(appDir, ".env.local"), filled);

  // 4. `next build`: its type check compiles every snippet; Cache Components report here.
  const next = join(appDir, "node_modules", "next", "dist", "bin", "next");
  began = performance.now();
  buildLog = await run(process.execPath, [next, "build"]);
  timings["next build"] = seconds(began);

  // 5. `next start` on 127.0.0.1, as a developer would run the production build.
  const server = start("next start", process.execPath, [
    next,
    "start",
    "--hostname",
    "127.0.0.1",
    "--port",
    String(appPort),
  ]);
  await waitFor(
    "next start",
    async () => {
      try {
        const response = await fetch(`${appURL}/sign-in`, { redirect: "manual" });
        await response.arrayBuffer();
        return response.status < 500;
      } catch {
        return false;
      }
    },
    server.child,
    server.output,
  );

  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await (await browser.newContext()).newPage();
});

// A failing step leaves a screenshot of where the browser was (CI keeps artifacts/screenshots).
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && page) {
    mkdirSync(screenshots, { recursive: true });
    const name = `failed-fresh-app-${task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.png`;
    await page.screenshot({ path: join(screenshots, name), fullPage: true }).catch(() => {});
  }
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  if (Object.keys(timings).length > 0) {
    console.log(
      `fresh-app timings: ${Object.entries(timings)
        .map(([phase, value]) => `${phase} ${value} s`)
        .join(", ")}`,
    );
  }
  // FRESH_APP_KEEP=1 keeps the app for a look (its path is printed).
  if (appDir && process.env.FRESH_APP_KEEP === "1") console.log(`fresh app kept in ${appDir}`);
  else if (appDir) rmSync(appDir, { recursive: true, force: true });
});

/** What `next start` printed, without the colours Auth.js's logger adds (`\x1b[33m[auth][warn]…`). */
function serverLog(): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour sequences start with ESC.
  return (children.find((entry) => entry.name === "next start")?.output() ?? "").replace(/\x1b\[[0-9;]*m/g, "");
}

describe.skipIf(skip)("a new create-next-app app with the README's quick start", () => {
  it("builds with Cache Components on and no prerender error or warning", () => {
    expect(readFileSync(join(appDir, "next.config.ts"), "utf8")).toMatch(/cacheComponents: true/);
    expect(buildLog).toMatch(/Compiled successfully|Finished TypeScript/);
    expect(prerenderProblems(buildLog)).toEqual([]);
    // The protected page prerenders its shell and streams the session part (◐ Partial Prerender).
    expect(buildLog).toMatch(/◐ \/dashboard/);
  });

  it("turns a signed-out visitor of /dashboard away in proxy.ts", async () => {
    const response = await fetch(`${appURL}/dashboard`, { redirect: "manual" });
    // The README's proxy.ts answers with Response.redirect (302); NextResponse.redirect would be 307.
    expect([302, 307]).toContain(response.status);
    expect(new URL(response.headers.get("location") ?? "", appURL).pathname).toBe("/sign-in");
  });

  it("signs up and lands on the protected page, signed in", async () => {
    await page.goto(`${appURL}/sign-up`);
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    const began = performance.now();
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${appURL}/dashboard`);
    await page.getByRole("heading", { name: "Hello, Ada" }).waitFor();
    timings["first sign-in (sign-up submitted → protected page)"] = seconds(began);
  });

  it("refuses a second account for the same email with the package's message", async () => {
    const other = await browser?.newContext();
    const second = await other?.newPage();
    if (!second) throw new Error("no browser");
    await second.goto(`${appURL}/sign-up`);
    await second.getByLabel("Email").fill(email);
    await second.getByLabel("Password").fill(password);
    await second.getByRole("button", { name: "Create account" }).click();
    // In the form: Next's route announcer (<next-route-announcer>) is a role="alert" too.
    await expect
      .poll(() => second.locator("form").getByRole("alert").textContent())
      .toBe("An account with this email already exists.");
    expect(await second.getByLabel("Email").inputValue()).toBe(email);
    await other?.close();
  });

  it("signs out, back to the sign-in page", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${appURL}/sign-in`);
    await page.goto(`${appURL}/dashboard`);
    await page.waitForURL(`${appURL}/sign-in`);
  });

  it("shows why a wrong password is refused, keeping the email, then signs in", async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not my password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("form").getByRole("alert").textContent()).toBe("Invalid email or password.");
    expect(await page.getByLabel("Email").inputValue()).toBe(email);

    await page.getByLabel("Password").fill(password);
    const began = performance.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${appURL}/dashboard`);
    await page.getByRole("heading", { name: "Hello, Ada" }).waitFor();
    timings["sign-in (submitted → protected page)"] = seconds(began);
  });

  it("uploads a picture straight to the local S3 server and lists it", async () => {
    await page.getByLabel(/Picture/).setInputFiles({ name: "avatar.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Uploaded avatar.png.");
    // completeUpload checked the object and revalidated the page: the list shows the file.
    await expect.poll(() => page.getByRole("list", { name: "Your files" }).textContent()).toContain("avatar.png");
    const stored = readdirSync(join(appDir, ".s3rver"), { recursive: true }).map(String);
    expect(stored.filter((path) => path.includes("avatar.png") && !path.includes("_staging"))).not.toEqual([]);
  });

  it("refuses a file the policy does not allow, with the package's message", async () => {
    await page
      .getByLabel(/Picture/)
      .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi") });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/not allowed/);
  });

  it("logs no prerender problem and no server error while serving all that", () => {
    const log = serverLog();
    expect(prerenderProblems(log)).toEqual([]);
    // Next marks request errors with ⨯; the one expected warning is the refused sign-in's line.
    expect(log.split("\n").filter((line) => line.includes("⨯") || /\[auth\]\[error\]/.test(line))).toEqual([]);
    expect(log).toMatch(/\[auth\]\[warn\] CredentialsSignin.*INVALID_CREDENTIALS/);
  });
});

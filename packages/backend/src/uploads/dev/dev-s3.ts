import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import * as z from "zod";
import { env } from "../../shared/env.js";
import { ConfigError } from "../../shared/errors.js";
import { parseOptions } from "../../shared/validate.js";
import { originSchema, r2CorsRule } from "../cors.js";
import { corsXML, loadS3rver } from "./s3rver.js";

/** The only key pair the local server accepts; it checks every SigV4 signature made with it. */
export const DEV_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** The one address the local server listens on: it is never reachable from another machine. */
const HOST = "127.0.0.1";

/** Options of {@link startDevS3}. */
export interface DevS3Options {
  /**
   * Port on 127.0.0.1. `0` lets the system pick a free one (read it from `endpoint`). A port
   * already in use is refused with a `ConfigError`, not silently replaced, since the app's
   * `R2_ENDPOINT` names it.
   * @default 4569
   */
  port?: number;
  /**
   * The bucket, created at start if missing.
   * @default "dev-uploads"
   */
  bucket?: string;
  /**
   * Folder the objects are kept in, created if missing (relative paths are resolved against the
   * working directory). Objects survive restarts; delete the folder to start empty.
   * @default ".s3rver"
   */
  directory?: string;
  /**
   * Origins of the app, allowed by the bucket's CORS rule (`r2CorsRule`) to PUT and GET from the
   * browser. Scheme, host and port, as the browser sends them in `Origin`.
   * @default ["http://localhost:3000", "http://127.0.0.1:3000"]
   */
  allowedOrigins?: readonly string[];
}

/** The variables that point `createUploads` at the local server: put them in the app's `.env.local`. */
export interface DevS3Env {
  R2_ENDPOINT: string;
  R2_BUCKET: string;
  R2_ACCESS_KEY_ID: string;
  R2_SECRET_ACCESS_KEY: string;
}

/** A running local S3 server. */
export interface DevS3 {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  bucket: string;
  /** Absolute path of the folder the objects are kept in. */
  directory: string;
  /** The origins the bucket's CORS rule allows. */
  allowedOrigins: readonly string[];
  /** The variables to set for the app; `createUploads({ db })` reads them as they are. */
  env: DevS3Env;
  /** Stops the server (the objects stay in `directory`). Calling it again does nothing. */
  stop(): Promise<void>;
}

const devS3OptionsSchema = z.object({
  port: z
    .int({ error: "must be a whole number from 0 to 65535" })
    .min(0, "must be a whole number from 0 to 65535")
    .max(65_535, "must be a whole number from 0 to 65535")
    .default(4569),
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens",
    )
    .default("dev-uploads"),
  directory: z.string().trim().min(1).default(".s3rver"),
  allowedOrigins: z
    .array(originSchema)
    .min(1, "must list at least one origin")
    .default(["http://localhost:3000", "http://127.0.0.1:3000"]),
});

/**
 * Starts a local S3-compatible server for development and tests: `@20minutes/s3rver` (an
 * optional peer dependency) on 127.0.0.1, with one bucket and the CORS rule browser uploads need.
 * It verifies SigV4 signatures as R2 does, so an unsigned request, a wrong secret, a changed type,
 * size or key, or an expired URL gets 403 offline too. Refuses to start when `NODE_ENV` is
 * `production`; the bucket and its objects persist in `directory` between runs.
 *
 * @example
 * const s3 = await startDevS3({ allowedOrigins: ["http://localhost:3000"] })
 * Object.assign(process.env, s3.env) // R2_ENDPOINT, R2_BUCKET, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY
 * // … createUploads({ db }) now signs URLs for the local server …
 * await s3.stop()
 */
export async function startDevS3(options: DevS3Options = {}): Promise<DevS3> {
  if (env.nodeEnv() === "production") {
    throw new ConfigError(
      "startDevS3: refusing to run with NODE_ENV=production. The local S3 server is for development: its credentials (S3RVER/S3RVER) are public. In production set R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY and R2_BUCKET for Cloudflare R2.",
      { issues: [{ path: "NODE_ENV", message: "is production: the local S3 server runs only in development" }] },
    );
  }
  const parsed = parseOptions(devS3OptionsSchema, options, "startDevS3");
  // Before touching the disk or the port, so a missing install fails first and cleanly.
  const S3rver = loadS3rver();
  const directory = resolve(parsed.directory);
  mkdirSync(directory, { recursive: true });
  const s3rver = new S3rver({
    silent: true,
    directory,
    allowMismatchedSignatures: false,
    configureBuckets: [{ name: parsed.bucket, configs: [corsXML(r2CorsRule(parsed.allowedOrigins))] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.getMiddleware();
  const server = createServer((request, response) => {
    // s3rver serves unsigned requests as if the bucket were public; R2's S3 API refuses them.
    // Only the CORS preflight, which browsers send without credentials, goes through unsigned.
    if (request.method !== "OPTIONS" && !isSigned(request)) {
      response.writeHead(403, { "content-type": "application/xml" });
      response.end(ANONYMOUS_REFUSED);
      return;
    }
    handle(request, response);
  });
  const port = await listen(server, parsed.port);
  const endpoint = `http://${HOST}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket: parsed.bucket,
    directory,
    allowedOrigins: parsed.allowedOrigins,
    env: {
      R2_ENDPOINT: endpoint,
      R2_BUCKET: parsed.bucket,
      R2_ACCESS_KEY_ID: DEV_S3_CREDENTIALS.accessKeyId,
      R2_SECRET_ACCESS_KEY: DEV_S3_CREDENTIALS.secretAccessKey,
    },
    stop() {
      stopped ??= new Promise<void>((done) => {
        server.close(() => done());
        // Browsers and fetch keep connections alive; without this close() waits for them.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

const ANONYMOUS_REFUSED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Anonymous requests are refused: sign the request (presigned URL or Authorization header).</Message></Error>';

/** The three ways s3rver (and S3) recognise a signed request: a header, or a V2 or V4 query. */
function isSigned(request: IncomingMessage): boolean {
  if (request.headers.authorization !== undefined) return true;
  const query = new URL(request.url ?? "/", "http://localhost").searchParams;
  return query.has("X-Amz-Algorithm") || query.has("Signature");
}

/** Listens on 127.0.0.1 and resolves the port, or rejects with a ConfigError naming the port. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === "EADDRINUSE" ? "is in use" : `cannot be opened (${error.code ?? "error"})`;
      const message = `${port} on ${HOST} ${reason}: stop what listens there or pass another port (0 picks a free one)`;
      fail(new ConfigError(`startDevS3: port ${message}`, { issues: [{ path: "port", message }], cause: error }));
    });
    server.listen(port, HOST, () => done((server.address() as AddressInfo).port));
  });
}

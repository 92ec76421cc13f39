import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { corsXML } from "../src/uploads/dev/s3rver.js";
import type { CorsRule } from "../src/uploads/index.js";

// @20minutes/s3rver ships no types; this is the part of its API the tests use.
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

const require = createRequire(import.meta.url);
const S3rver = require("@20minutes/s3rver") as S3rverConstructor;

/** The only key pair s3rver knows; it verifies SigV4 signatures made with it. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** A running s3rver on 127.0.0.1: its endpoint, bucket and a `stop()` that also removes its files. */
export interface TestS3Server {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/**
 * Starts `@20minutes/s3rver` in-process on a free loopback port, with one bucket whose CORS rule
 * is `cors` (set through `configureBuckets`: the SDK's header-signed PutBucketCors fails against
 * s3rver's verifier).
 */
export async function startS3Server(options: { bucket?: string; cors: CorsRule }): Promise<TestS3Server> {
  const bucket = options.bucket ?? "uploads-test";
  const directory = mkdtempSync(join(tmpdir(), "tetrastack-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [corsXML(options.cors)] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A pass-through HTTP proxy in front of s3rver: its endpoint and a `stop()`. */
export interface TestS3Proxy {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to `target` unchanged (the Host header
 * too, so SigV4 signatures made for the proxy's address still verify), after awaiting
 * `beforeForward(request)`. Lets a test act between two storage calls the package makes, such as
 * replaying a PUT just before the server-side copy.
 */
export async function startS3Proxy(
  target: string,
  beforeForward: (incoming: IncomingMessage) => Promise<void>,
): Promise<TestS3Proxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    beforeForward(incoming).then(
      () => {
        const forwarded = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forwarded.on("error", () => outgoing.destroy());
        incoming.pipe(forwarded);
      },
      () => outgoing.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

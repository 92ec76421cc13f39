// A local S3-compatible server for development: @20minutes/s3rver, in-process on 127.0.0.1.
// It verifies SigV4 signatures like R2 does (a wrong secret, a changed Content-Type or size, or an
// expired URL gets 403), so the presigned-upload flow behaves offline as it will in production.
//
//   node scripts/dev-s3.mjs            # standalone: prints the endpoint, stops on Ctrl+C
//   import { startDevS3 } from "./dev-s3.mjs"   # what scripts/dev.mjs does
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { r2CorsRule } from "@tetrastack/backend/uploads";

const require = createRequire(import.meta.url);

/** The only key pair s3rver accepts; it checks every signature made with it. */
export const DEV_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const DEV_S3_BUCKET = "dev-uploads";

/** Resolves `preferred` if nothing listens there on 127.0.0.1, else a free port chosen by the OS. */
export function freePort(preferred = 0) {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", (error) => {
      if (preferred !== 0 && error.code === "EADDRINUSE") freePort(0).then(done, fail);
      else fail(error);
    });
    server.listen(preferred, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** The bucket CORS rule as the CORSConfiguration XML that s3rver loads at start. */
export function corsXML(rule) {
  const escapeXML = (value) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const tags = (name, values) => values.map((value) => `<${name}>${escapeXML(value)}</${name}>`).join("");
  return [
    "<CORSConfiguration><CORSRule>",
    tags("AllowedOrigin", rule.AllowedOrigins),
    tags("AllowedMethod", rule.AllowedMethods),
    tags("AllowedHeader", rule.AllowedHeaders),
    tags("ExposeHeader", rule.ExposeHeaders),
    `<MaxAgeSeconds>${rule.MaxAgeSeconds}</MaxAgeSeconds>`,
    "</CORSRule></CORSConfiguration>",
  ].join("");
}

/**
 * Starts s3rver with one bucket whose CORS rule is `r2CorsRule(origins)`, the same rule an R2
 * bucket gets. CORS is loaded through `configureBuckets` because s3rver's verifier rejects the
 * SDK's header-signed PutBucketCors.
 *
 * @param {{ origins: string[], port?: number, bucket?: string, directory?: string, silent?: boolean }} options
 * @returns {Promise<{ endpoint: string, bucket: string, accessKeyId: string, secretAccessKey: string, stop(): Promise<void> }>}
 */
export async function startDevS3(options) {
  const bucket = options.bucket ?? DEV_S3_BUCKET;
  const directory = resolve(options.directory ?? ".s3rver");
  mkdirSync(directory, { recursive: true });
  const S3rver = require("@20minutes/s3rver");
  const server = new S3rver({
    address: "127.0.0.1",
    port: await freePort(options.port ?? 0),
    silent: options.silent ?? true,
    directory,
    configureBuckets: [{ name: bucket, configs: [corsXML(r2CorsRule(options.origins))] }],
  });
  const { port } = await server.run();
  let stopped;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    ...DEV_S3_CREDENTIALS,
    stop() {
      stopped ??= server.close();
      return stopped;
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const appPort = Number(process.env.PORT || 3000);
  const s3 = await startDevS3({
    port: Number(process.env.DEV_S3_PORT || 4569),
    origins: [`http://127.0.0.1:${appPort}`, `http://localhost:${appPort}`],
  });
  console.log(`[dev-s3] s3rver on ${s3.endpoint}, bucket "${s3.bucket}", key S3RVER/S3RVER, files in .s3rver/`);
  console.log(
    `[dev-s3] for the app: S3_ENDPOINT=${s3.endpoint} R2_BUCKET=${s3.bucket} R2_ACCESS_KEY_ID=S3RVER R2_SECRET_ACCESS_KEY=S3RVER`,
  );
  const stop = () => s3.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

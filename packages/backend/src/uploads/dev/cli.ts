#!/usr/bin/env node
import { parseArgs } from "node:util";
import { isTetrastackError } from "../../shared/errors.js";
import { startDevS3 } from "./dev-s3.js";

// `tetrastack-dev-s3`: startDevS3 from a terminal. Prints the variables to set, runs until
// Ctrl+C (or SIGTERM), and reports a refusal as one line without a stack trace.

const USAGE = `Usage: tetrastack-dev-s3 [options]

A local S3 server for developing uploads offline (development only, 127.0.0.1 only).
It verifies presigned URLs like Cloudflare R2: a wrong signature, type, size or an expired URL gets 403.

Options:
  --port <n>             port on 127.0.0.1, 0 for any free one (default 4569)
  --bucket <name>        bucket to create (default dev-uploads)
  --directory <path>     where objects are kept (default .s3rver)
  --allowed-origin <o>   an origin the bucket's CORS rule allows; repeat for more
                         (default http://localhost:3000 and http://127.0.0.1:3000)
  -h, --help             show this help`;

async function main(): Promise<number> {
  let values: { port?: string; bucket?: string; directory?: string; "allowed-origin"?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        bucket: { type: "string" },
        directory: { type: "string" },
        "allowed-origin": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`tetrastack-dev-s3: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const s3 = await startDevS3({
    // A non-numeric --port becomes NaN, which startDevS3 refuses with a ConfigError naming `port`.
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
    ...(values.bucket === undefined ? {} : { bucket: values.bucket }),
    ...(values.directory === undefined ? {} : { directory: values.directory }),
    ...(values["allowed-origin"] === undefined ? {} : { allowedOrigins: values["allowed-origin"] }),
  });
  const variables = Object.entries(s3.env)
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
  console.log(`Local S3 server on ${s3.endpoint}, bucket "${s3.bucket}", objects in ${s3.directory}
Browser uploads allowed from: ${s3.allowedOrigins.join(", ")}

Set these in your app's .env.local (development only), then restart it:

${variables}

Press Ctrl+C to stop.`);

  await new Promise<void>((done) => {
    const stop = (): void => {
      void s3.stop().then(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Refusals (production, missing install, bad option, busy port) are expected: one line each.
    console.error(
      `tetrastack-dev-s3: ${isTetrastackError(error) ? error.message.replace(/^startDevS3: /, "") : String(error)}`,
    );
    if (!isTetrastackError(error) && error instanceof Error && error.stack) console.error(error.stack);
    process.exitCode = 1;
  },
);

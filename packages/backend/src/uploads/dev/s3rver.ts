import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { ConfigError } from "../../shared/errors.js";
import type { CorsRule } from "../cors.js";

// The only module that loads `@20minutes/s3rver`, an optional peer dependency: it is needed by
// `/uploads/dev` alone, so apps that never run it offline never install it.

/** @internal The npm name of the S3 server, and the range this package is tested with. */
export const S3RVER_PACKAGE = "@20minutes/s3rver";
/** @internal 4.x runs on Node 20; 5.0 needs Node 24 and is not tested here. */
export const S3RVER_RANGE = "4";

/**
 * @internal The part of s3rver's API `/uploads/dev` uses (it ships no types): the buckets are set
 * up with `configureBuckets()` and requests served through `getMiddleware()` on a server of ours,
 * rather than with `run()`, whose `listen` lets `EADDRINUSE` escape as an uncaught exception.
 */
export interface S3rverInstance {
  configureBuckets(): Promise<unknown>;
  getMiddleware(): (request: IncomingMessage, response: ServerResponse) => void;
}

/** @internal The s3rver constructor options `/uploads/dev` passes. */
export interface S3rverOptions {
  silent: boolean;
  directory: string;
  allowMismatchedSignatures: false;
  configureBuckets: { name: string; configs: string[] }[];
}

/** @internal */
export type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

/**
 * @internal Loads s3rver from the app's dependencies (resolved from `from`, this module by
 * default), or throws a ConfigError that gives the install command. `require`, not `import()`:
 * s3rver is CommonJS and ships no types.
 */
export function loadS3rver(from: string = import.meta.url): S3rverConstructor {
  try {
    return createRequire(from)(S3RVER_PACKAGE) as S3rverConstructor;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw error;
    const install = `npm install --save-dev ${S3RVER_PACKAGE}@${S3RVER_RANGE}`;
    throw new ConfigError(
      `startDevS3: the local S3 server is an optional dependency that is not installed. Install it with \`${install}\` (pnpm add -D / yarn add -D work too), then run this again.`,
      { issues: [{ path: S3RVER_PACKAGE, message: `not installed: run \`${install}\`` }], cause: error },
    );
  }
}

/**
 * @internal A bucket CORS rule as the `CORSConfiguration` XML s3rver loads at start (its verifier
 * refuses the SDK's header-signed `PutBucketCors`, so the rule cannot be set through the API).
 */
export function corsXML(rule: CorsRule): string {
  const tags = (name: string, values: readonly string[]): string =>
    values.map((value) => `<${name}>${escapeXML(value)}</${name}>`).join("");
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

function escapeXML(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

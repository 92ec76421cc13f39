import { createUploads, type Uploads } from "@tetrastack/backend/uploads";
import { db } from "@/db";

let instance: Uploads | undefined;

/**
 * Presigned uploads for the app: the phone PUTs the bytes straight to R2 (no CORS needed outside
 * a browser). `R2_ENDPOINT` points at another S3-compatible server (in development, the one
 * `tetrastack-dev-s3` prints). Created on first use (`createUploads` itself checks the
 * credentials only when storage is first used, rejecting that call with a `ConfigError`, so
 * creating it at import would work too).
 */
export function getUploads(): Uploads {
  instance ??= createUploads({
    db,
    policies: {
      photo: { contentTypes: ["image/jpeg", "image/png", "image/heic", "image/webp"], maxBytes: 15 * 1024 * 1024 },
    },
  });
  return instance;
}

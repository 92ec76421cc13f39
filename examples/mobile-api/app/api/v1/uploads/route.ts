import { getClientIP } from "@/auth";
import { callerFromBearer } from "@/lib/bearer";
import { handle, jsonBody, unauthorized } from "@/lib/http";
import { getUploads } from "@/lib/uploads";

/**
 * POST /api/v1/uploads { filename, contentType, size } → 201 { url, method, headers, key, expiresAt }.
 * The app then PUTs exactly `size` bytes to `url` with `headers`, and calls POST /api/v1/uploads/complete.
 * 400 VALIDATION_FAILED, 413 UPLOAD_TOO_LARGE, 415 UPLOAD_TYPE_NOT_ALLOWED, 429 RATE_LIMITED (with Retry-After):
 * 100 uploads per user and 300 per client address an hour.
 */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const body = await jsonBody(request);
    const upload = await getUploads().createUploadURL({
      policy: "photo",
      filename: body.filename as string,
      contentType: body.contentType as string,
      size: body.size as number,
      ownerId: caller.userId,
      ip: await getClientIP(),
    });
    return Response.json(upload, { status: 201 });
  });
}

/** GET /api/v1/uploads?cursor=… → { items, nextCursor }: the user's uploaded files, newest first. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
    return Response.json(await getUploads().listUploads(caller.userId, { limit: 50, cursor }));
  });
}

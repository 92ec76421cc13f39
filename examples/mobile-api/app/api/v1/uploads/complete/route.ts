import { callerFromBearer } from "@/lib/bearer";
import { handle, jsonBody, unauthorized } from "@/lib/http";
import { getUploads } from "@/lib/uploads";

/**
 * POST /api/v1/uploads/complete { key } → 200 { upload }: the server checks the stored object's
 * size, type and owner before accepting it. 404 UPLOAD_NOT_FOUND, 422 UPLOAD_MISMATCH, 403 UPLOAD_FORBIDDEN.
 */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const { key } = await jsonBody(request);
    const upload = await getUploads().completeUpload({ key: key as string, ownerId: caller.userId });
    return Response.json({ upload });
  });
}

import { revokeSession } from "@/auth";
import { callerFromBearer } from "@/lib/bearer";
import { errorResponse, handle, unauthorized } from "@/lib/http";

/**
 * DELETE /api/v1/sessions/:id → 204. `current` signs this device out; any other id of the user's
 * sessions (from GET /api/v1/sessions) signs that device out: its refresh token stops working at
 * once, its access token when it expires (15 minutes at most).
 */
export function DELETE(request: Request, { params }: RouteContext<"/api/v1/sessions/[id]">): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const { id } = await params;
    const revoked = await revokeSession(caller.userId, id === "current" ? caller.sessionId : id);
    return revoked ? new Response(null, { status: 204 }) : errorResponse(404, "NOT_FOUND", "No such session.");
  });
}

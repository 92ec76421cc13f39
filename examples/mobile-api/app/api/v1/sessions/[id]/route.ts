import { revokeSession } from "@/auth";
import { sessionFromBearer } from "@/lib/bearer";
import { errorResponse, handle, unauthorized } from "@/lib/http";

/**
 * DELETE /api/v1/sessions/:id → 204. `current` signs this token out; any other id of the user's
 * sessions (from GET /api/v1/sessions) signs that device out. The token stops working at once.
 */
export function DELETE(request: Request, { params }: RouteContext<"/api/v1/sessions/[id]">): Promise<Response> {
  return handle(async () => {
    const session = await sessionFromBearer(request);
    if (!session?.sessionId) return unauthorized();
    const { id } = await params;
    const revoked = await revokeSession(session.user.id, id === "current" ? session.sessionId : id);
    return revoked ? new Response(null, { status: 204 }) : errorResponse(404, "NOT_FOUND", "No such session.");
  });
}

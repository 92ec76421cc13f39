import { listSessions } from "@/auth";
import { sessionFromBearer } from "@/lib/bearer";
import { handle, unauthorized } from "@/lib/http";

/** GET /api/v1/sessions → { sessions }: the user's signed-in devices; `current` marks this token's. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const session = await sessionFromBearer(request);
    if (!session) return unauthorized();
    const sessions = await listSessions(session.user.id);
    return Response.json({
      sessions: sessions.map((item) => ({ ...item, current: item.id === session.sessionId })),
    });
  });
}

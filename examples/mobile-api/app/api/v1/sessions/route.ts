import { listSessions } from "@/auth";
import { callerFromBearer } from "@/lib/bearer";
import { handle, unauthorized } from "@/lib/http";

/** GET /api/v1/sessions → { sessions }: the user's signed-in devices; `current` marks this device's. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const sessions = await listSessions(caller.userId);
    return Response.json({
      sessions: sessions.map((item) => ({ ...item, current: item.id === caller.sessionId })),
    });
  });
}

import { sessionFromBearer } from "@/lib/bearer";
import { handle, unauthorized } from "@/lib/http";

/** GET /api/v1/me → { user, expires }: who the bearer token belongs to. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const session = await sessionFromBearer(request);
    if (!session) return unauthorized();
    return Response.json({ user: session.user, expires: session.expires });
  });
}

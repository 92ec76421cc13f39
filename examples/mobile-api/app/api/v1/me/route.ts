import { users } from "@tetrastack/backend/database";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { callerFromBearer } from "@/lib/bearer";
import { handle, unauthorized } from "@/lib/http";

/** GET /api/v1/me → { user, expiresAt }: who the access token belongs to, and when it expires. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const caller = await callerFromBearer(request);
    if (!caller) return unauthorized();
    const user = await db.query.users.findFirst({
      where: eq(users.id, caller.userId),
      columns: { id: true, name: true, email: true, image: true },
    });
    if (!user) return unauthorized();
    return Response.json({ user, expiresAt: caller.expiresAt.toISOString() });
  });
}

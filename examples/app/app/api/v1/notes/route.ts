import { isTetrastackError } from "@tetrastack/backend/auth";
import { desc, eq } from "drizzle-orm";
import { verifyAPIKey } from "@/auth";
import { db, notes } from "@/db";

/**
 * GET /api/v1/notes with `x-api-key: tsk_…` (or `Authorization: Bearer tsk_…`): the key owner's
 * notes. The key must have the `notes:read` scope. Errors are `{ code, message }` with their
 * status: 401 `API_KEY_INVALID`/`API_KEY_EXPIRED`, 403 `API_KEY_INSUFFICIENT_SCOPE`, 429
 * `RATE_LIMITED` (with Retry-After). No error ever contains the key.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    const key = await verifyAPIKey(request, { scopes: ["notes:read"] });
    const rows = await db.query.notes.findMany({
      where: eq(notes.userId, key.userId),
      orderBy: desc(notes.createdAt),
      limit: 100,
    });
    return Response.json({
      notes: rows.map((note) => ({ id: note.id, body: note.body, createdAt: note.createdAt.toISOString() })),
    });
  } catch (error) {
    if (isTetrastackError(error) && error.status < 500) {
      const retryAfter = (error as { retryAfter?: number }).retryAfter;
      return Response.json(
        { code: error.code, message: error.message },
        { status: error.status, headers: retryAfter ? { "retry-after": String(retryAfter) } : {} },
      );
    }
    throw error;
  }
}

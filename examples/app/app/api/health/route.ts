import { connection } from "next/server";
import { health } from "@/db";

/**
 * GET /api/health: 200 `{ status: "ok", version, migration, appMigration }` when the database
 * answers and every migration is applied, else 503 with a `reason` code. For load balancers and
 * uptime checks; cheap enough to poll every few seconds (one query, never cached).
 */
export async function GET(): Promise<Response> {
  // Answered per request, never prerendered at build time.
  await connection();
  return health.GET();
}

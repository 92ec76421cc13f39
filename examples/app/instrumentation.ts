/** Runs once when the server starts: brings the database up to date before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { migrateOnce } = await import("./db");
    const { applied } = (await migrateOnce()) as { applied: string[] };
    if (applied.length > 0) console.log(`[db] applied migrations: ${applied.join(", ")}`);
  }
}

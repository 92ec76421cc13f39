/** Brings the database up to date before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { migrateOnce } = await import("./db");
    await migrateOnce();
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type Database, migrate } from "../src/database/index.js";

/** A fresh, migrated libSQL file database in its own temp dir; `cleanup()` closes and deletes it. */
export async function createTestDatabase(): Promise<{ db: Database; url: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-test-"));
  const url = `file:${join(dir, "test.db")}`;
  const db = createDatabase({ url });
  await migrate(db);
  return {
    db,
    url,
    dir,
    cleanup: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

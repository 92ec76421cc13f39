// Ships the drizzle-kit migration files inside the package (dist/migrations) for people who
// apply them with their own tooling; `migrate()` itself uses the embedded copy.
import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
cpSync(`${root}/drizzle`, `${root}/dist/migrations`, { recursive: true });

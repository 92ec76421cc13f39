// Measures the two PostgreSQL drivers createDatabase could default to, through Drizzle, on one
// throwaway local PostgreSQL 15 server, in the same run: postgres.js (`drizzle-orm/postgres-js`)
// and pg (`drizzle-orm/node-postgres`), each a pool of 10 connections.
//   - a prepared, indexed point query shaped like the session lookup (sessions ⋈ users by token);
//   - a single-row insert (a users row: uuid id, text, two timestamptz);
// each one at a time (latency-bound) and 16 in flight (throughput), rounds interleaved A/B so
// drift on a shared machine hits both. Usage: node scripts/bench-postgres-drivers.mjs [seconds]
// (as root it runs the server as the `postgres` user; POSTGRES_BIN overrides the binaries' folder).
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgresJs } from "drizzle-orm/postgres-js";
import pg from "pg";
import postgres from "postgres";
import { uuidv7 } from "uuidv7";

const seconds = Number(process.argv[2] ?? 3);
const BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
const root = process.getuid?.() === 0;
const asPostgres = (program, args) =>
  root
    ? execFileSync("runuser", ["-u", "postgres", "--", join(BIN, program), ...args], { stdio: "ignore" })
    : execFileSync(join(BIN, program), args, { stdio: "ignore" });

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), "tetrastack-bench-pg-"));
if (root)
  chownSync(dir, Number(execFileSync("id", ["-u", "postgres"])), Number(execFileSync("id", ["-g", "postgres"])));
const data = join(dir, "data");
asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
asPostgres("pg_ctl", [
  "-D",
  data,
  "-o",
  `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`,
  "-l",
  join(dir, "log"),
  "-w",
  "start",
]);
const stop = () => {
  try {
    asPostgres("pg_ctl", ["-D", data, "-m", "fast", "stop"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const users = pgTable("users", {
  id: uuid("id").primaryKey().$defaultFn(uuidv7),
  email: text("email"),
  name: text("name"),
  createdAt: timestamp("created_at", { mode: "date", withTimezone: true })
    .notNull()
    .$defaultFn(() => new Date()),
  updatedAt: timestamp("updated_at", { mode: "date", withTimezone: true })
    .notNull()
    .$defaultFn(() => new Date()),
});
const sessions = pgTable(
  "sessions",
  {
    sessionToken: text("session_token").primaryKey(),
    userId: uuid("user_id").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

try {
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const clients = {
    "postgres.js": () => {
      const client = postgres(url, { max: 10, onnotice: () => {} });
      return { db: drizzlePostgresJs({ client }), end: () => client.end() };
    },
    pg: () => {
      const client = new pg.Pool({ connectionString: url, max: 10 });
      return { db: drizzlePg({ client }), end: () => client.end() };
    },
  };
  const setup = clients.pg();
  await setup.db.execute(sql`
    CREATE TABLE users (id uuid PRIMARY KEY, email text, name text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
    CREATE TABLE sessions (session_token text PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE, expires timestamptz NOT NULL);
    CREATE INDEX sessions_user_id_idx ON sessions (user_id);`);
  const tokens = [];
  for (let i = 0; i < 2000; i += 500) {
    const rows = Array.from({ length: 500 }, (_, j) => ({ email: `u${i + j}@example.com`, name: `User ${i + j}` }));
    const inserted = await setup.db.insert(users).values(rows).returning({ id: users.id });
    const batch = inserted.map((row, j) => ({
      sessionToken: `token-${i + j}`,
      userId: row.id,
      expires: new Date(Date.now() + 86_400_000),
    }));
    await setup.db.insert(sessions).values(batch);
    tokens.push(...batch.map((s) => s.sessionToken));
  }
  await setup.db.execute(sql`ANALYZE`);
  await setup.end();

  /** Operations per second of `op` over `seconds`, `inFlight` at a time. */
  async function measure(op, inFlight) {
    const until = performance.now() + seconds * 1000;
    let count = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < until) {
          await op(count++);
        }
      }),
    );
    return count / seconds;
  }

  const results = {};
  const rounds = 2;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["postgres.js", "pg"] : ["pg", "postgres.js"];
    for (const name of order) {
      const { db, end } = clients[name]();
      const lookup = db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.sessionToken, sql.placeholder("token")))
        .prepare(`lookup_${round}`);
      const read = (i) => lookup.execute({ token: tokens[i % tokens.length] });
      const write = (i) => db.insert(users).values({ email: `w${name}${round}-${i}@example.com`, name: "Writer" });
      await measure(read, 4); // warm-up: connections opened, statements prepared
      results[name] ??= { "lookup 1": [], "lookup 16": [], "insert 1": [], "insert 16": [] };
      const row = results[name];
      row["lookup 1"].push(await measure(read, 1));
      row["lookup 16"].push(await measure(read, 16));
      row["insert 1"].push(await measure(write, 1));
      row["insert 16"].push(await measure(write, 16));
      await end();
    }
  }
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const table = {};
  for (const [name, row] of Object.entries(results)) {
    table[name] = Object.fromEntries(Object.entries(row).map(([k, v]) => [`${k} /s`, Math.round(mean(v))]));
  }
  table["postgres.js ÷ pg"] = Object.fromEntries(
    Object.keys(table.pg).map((k) => [k, Number((table["postgres.js"][k] / table.pg[k]).toFixed(2))]),
  );
  console.log(
    `PostgreSQL 15 on 127.0.0.1, Node ${process.version}, ${rounds} interleaved rounds of ${seconds} s per figure:`,
  );
  console.table(table);
} finally {
  stop();
}

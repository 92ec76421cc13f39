// Counts what a drizzle database sends to its driver: every SQL statement, and every call that
// goes to the database (a round trip over a network). It wraps the methods of the database's own
// client object (`db.$client`), which is the object drizzle's session calls, so it sees exactly
// what the package's queries become, prepared statements and transactions included, and nothing
// of any other client in the process. Shared by test/statements-per-flow.test.ts and the bench
// (bench/src/sections/statements.ts), so both report the same counts; it imports nothing.
//
// What counts as what, per driver:
// - @libsql/client (file: and http: URLs): `execute` is one statement and one round trip; `batch`
//   is its statements and ONE round trip (one call into libsql, one HTTP pipeline request);
//   `transaction()` opens with one round trip (BEGIN), then each `execute`/`batch` on it as above,
//   and `commit`/`rollback` one more each.
// - pg (Pool or Client): every `query` is one round trip; BEGIN, COMMIT, ROLLBACK and SAVEPOINT
//   are round trips but not statements. A client checked out of a pool (`connect()`, which drizzle
//   does for a transaction) is observed through a proxy, so pool-internal calls are not counted.
// - PGlite: `query` and `exec` as pg's `query`; `transaction(fn)` adds BEGIN and COMMIT (two
//   round trips, as PGlite runs them), and the calls on its transaction object count as above.

/** What the database was sent while observed. */
export interface DriverStatements {
  /** SQL statements, BEGIN/COMMIT/ROLLBACK/SAVEPOINT excluded. */
  statements: number;
  /** Calls that reach the database: one network round trip each on a networked database. */
  roundTrips: number;
  /** The statements' SQL, in order (transaction control included, in capitals). */
  log: string[];
}

/** An observer of one database's driver calls. */
export interface DriverObserver {
  /** The counts since the last `take()` (or since observing began), and a fresh start. */
  take(): DriverStatements;
  /** Puts the client's own methods back. */
  stop(): void;
}

type Method = (...args: unknown[]) => unknown;
type Methods = Record<string, unknown>;

const CONTROL = /^\s*(begin|commit|rollback|savepoint|release|end)\b/i;

function sqlOf(statement: unknown): string {
  if (typeof statement === "string") return statement;
  if (statement && typeof statement === "object") {
    const { sql, text } = statement as { sql?: unknown; text?: unknown };
    if (typeof sql === "string") return sql;
    if (typeof text === "string") return text;
  }
  return String(statement);
}

/** Observes the driver of a drizzle database (`db.$client`): @libsql/client, pg or PGlite. */
export function observeDriver(db: { $client: unknown }): DriverObserver {
  const client = db.$client as Methods;
  let current: DriverStatements = { statements: 0, roundTrips: 0, log: [] };
  const restores: (() => void)[] = [];

  const record = (sql: string, statements = CONTROL.test(sql) ? 0 : 1): void => {
    current.roundTrips++;
    current.statements += statements;
    current.log.push(sql.trim());
  };
  const control = (sql: string): void => {
    current.roundTrips++;
    current.log.push(sql);
  };
  /** Replaces `target[name]` by `wrap(original)` until `stop()`. */
  const patch = (target: Methods, name: string, wrap: (original: Method) => Method): void => {
    const original = target[name];
    if (typeof original !== "function") return;
    const own = Object.hasOwn(target, name);
    target[name] = wrap((original as Method).bind(target));
    restores.push(() => {
      if (own) target[name] = original;
      else delete target[name];
    });
  };

  /** @libsql/client: a Client or one of its transactions. */
  const observeLibsql = (target: Methods): void => {
    patch(target, "execute", (original) => (statement, ...rest) => {
      record(sqlOf(statement));
      return original(statement, ...rest);
    });
    patch(target, "batch", (original) => (statements, ...rest) => {
      const list = statements as unknown[];
      current.roundTrips++;
      current.statements += list.length;
      current.log.push(`BATCH [${list.map((statement) => sqlOf(statement).trim()).join("; ")}]`);
      return original(statements, ...rest);
    });
  };

  const isPGlite = "exec" in client && "waitReady" in client;
  const isLibsql = ["execute", "batch", "transaction"].every((name) => typeof client[name] === "function");
  const isPg = !isPGlite && typeof client.query === "function" && typeof client.connect === "function";

  if (isLibsql) {
    observeLibsql(client);
    patch(client, "transaction", (original) => async (...args) => {
      control("BEGIN");
      const tx = (await original(...args)) as Methods;
      observeLibsql(tx);
      patch(tx, "commit", (commit) => (...rest) => {
        control("COMMIT");
        return commit(...rest);
      });
      patch(tx, "rollback", (rollback) => (...rest) => {
        control("ROLLBACK");
        return rollback(...rest);
      });
      return tx;
    });
  } else if (isPGlite) {
    const observeQueries = (target: Methods): void => {
      for (const name of ["query", "exec"]) {
        patch(target, name, (original) => (statement, ...rest) => {
          record(sqlOf(statement));
          return original(statement, ...rest);
        });
      }
    };
    observeQueries(client);
    patch(
      client,
      "transaction",
      (original) =>
        (fn, ...rest) =>
          original(
            async (tx: Methods) => {
              control("BEGIN");
              observeQueries(tx);
              const result = await (fn as (tx: unknown) => Promise<unknown>)(tx);
              control("COMMIT");
              return result;
            },
            ...rest,
          ),
    );
  } else if (isPg) {
    const query =
      (original: Method): Method =>
      (statement, ...rest) => {
        record(sqlOf(statement));
        return original(statement, ...rest);
      };
    patch(client, "query", query);
    patch(client, "connect", (original) => async (...args) => {
      // The callback form is not what drizzle uses; left alone.
      if (typeof args[0] === "function") return original(...args);
      const checkedOut = (await original(...args)) as Methods;
      const observedQuery = query((checkedOut.query as Method).bind(checkedOut));
      return new Proxy(checkedOut, {
        get(target, name, receiver) {
          if (name === "query") return observedQuery;
          const value = Reflect.get(target, name, receiver);
          return typeof value === "function" ? (value as Method).bind(target) : value;
        },
      });
    });
  } else {
    throw new Error("observeDriver: db.$client is not a @libsql/client Client, a pg Pool/Client or PGlite");
  }

  return {
    take() {
      const taken = current;
      current = { statements: 0, roundTrips: 0, log: [] };
      return taken;
    },
    stop() {
      for (const restore of restores.splice(0).reverse()) restore();
    },
  };
}

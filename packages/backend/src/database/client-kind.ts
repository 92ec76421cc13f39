import { isOptionsObject } from "../shared/arguments.js";

// Which driver a client given to createDatabase({ client }) belongs to, by its shape: the drivers
// are optional peers, so nothing here may import them (an `instanceof` would load every driver).

/** @internal The PostgreSQL clients `createDatabase({ client })` accepts, by driver. */
export type ClientKind = "postgres-js" | "node-postgres" | "pglite" | "neon-serverless" | "neon-http";

/** @internal The driver of `client`, or undefined when it is none of the supported ones. */
export function clientKind(client: unknown): ClientKind | undefined {
  const has = (value: object, ...names: string[]): boolean =>
    names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
  if (typeof client === "function") {
    // postgres.js `Sql` and Neon's `neon()` are both tagged-template functions with an `unsafe`;
    // only postgres.js has `begin` (interactive transactions), only neon() has `transaction`.
    if (has(client, "unsafe", "begin", "end")) return "postgres-js";
    if (has(client, "query", "transaction") && !("begin" in client)) return "neon-http";
    return undefined;
  }
  if (!isOptionsObject(client)) return undefined;
  // PGlite (and PGliteWorker): exec/query/transaction and a readiness promise; pg has no `exec`.
  if (has(client, "exec", "query", "transaction") && "waitReady" in client) return "pglite";
  if (!has(client, "query", "connect")) return undefined;
  // @neondatabase/serverless is a fork of pg: its Client has a `neonConfig`, its Pool makes such Clients.
  const clientClass = (client as { Client?: { prototype?: unknown } }).Client;
  const prototype = typeof clientClass === "function" ? clientClass.prototype : undefined;
  if ("neonConfig" in client || (isOptionsObject(prototype) && "neonConfig" in prototype)) return "neon-serverless";
  // pg's Pool, Client, or a PoolClient checked out of a Pool.
  return "node-postgres";
}

/** @internal True for a `@libsql/client` Client, to point a caller at the SQLite subpath. */
export function isLibsqlClient(client: unknown): boolean {
  return (
    isOptionsObject(client) &&
    ["execute", "batch", "executeMultiple"].every((name) => typeof client[name] === "function")
  );
}

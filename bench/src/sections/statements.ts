import { join } from "node:path";
import type { Database } from "@tetrastack/backend/database";
// The counter and the flows the package's test asserts (packages/backend/test/statements-per-flow.test.ts),
// run here on the built package: the bench prints exactly what the test holds the code to.
import { observeDriver } from "../../../packages/backend/test/engines/driver-statements.js";
import {
  FLOWS,
  type FlowStatements,
  statementsPerFlow,
  tokenMailbox,
} from "../../../packages/backend/test/statements-per-flow.js";
import { ORIGIN } from "../browser.js";
import { CHEAP_SCRYPT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, componentScope } from "../context.js";
import { packageDatabase } from "../fixture.js";
import { packagePostgres, postgresUnavailable } from "../postgres.js";
import type { Section } from "../report.js";

/** Every flow once on `db`, counted at its driver. */
async function countFlows(db: Database): Promise<FlowStatements[]> {
  const mail = tokenMailbox();
  const auth = tetrastack(db, {
    password: { scrypt: CHEAP_SCRYPT },
    api: {},
    baseURL: ORIGIN,
    sendEmail: mail.sendEmail,
  });
  const observer = observeDriver(db);
  try {
    return await statementsPerFlow(auth, observer, mail, (token) =>
      asComponent(componentScope({ "authjs.session-token": token }), () => auth.getSession()),
    );
  } finally {
    observer.stop();
  }
}

export async function statementsPerFlowSection(context: BenchContext): Promise<Section> {
  context.log("  statements per flow: libSQL file");
  const libsql = await packageDatabase(join(context.dir, "statements.db"));
  const onLibsql = await countFlows(libsql.db);
  libsql.db.$client.close();

  const unavailable = postgresUnavailable();
  let onPostgres: FlowStatements[] | null = null;
  if (unavailable) context.log(`  statements per flow: PostgreSQL skipped: ${unavailable}`);
  else {
    context.log("  statements per flow: PostgreSQL (local server)");
    const postgres = await packagePostgres();
    onPostgres = await countFlows(postgres.db);
    await (postgres.db.$client as unknown as { end(): Promise<void> }).end();
  }

  const cell = (counts: FlowStatements[] | null, flow: string): [string, string] => {
    const count = counts?.find((entry) => entry.flow === flow);
    return count ? [String(count.statements), String(count.roundTrips)] : ["–", "–"];
  };
  return {
    title: "Statements per flow",
    method:
      "Each flow runs once through the package's real entry points (Auth.js's route handlers with cookies, the JSON API with bearer tokens) on a fresh database, and every call its database driver receives is counted (packages/backend/test/engines/driver-statements.ts): statements, and round trips to the database. A libSQL batch is one round trip whatever its statements; on PostgreSQL (pg) every query is one, BEGIN and COMMIT included, so a PostgreSQL transaction of n statements costs n + 2. The same counts are asserted by packages/backend/test/statements-per-flow.test.ts on all four engines (libSQL over HTTP counts as the file, PGlite as the server).",
    figures: [],
    ratios: [],
    notes: unavailable ? [`PostgreSQL column skipped: ${unavailable}.`] : [],
    tables: [
      {
        title: "Statements / round trips per flow",
        columns: ["flow", "libSQL statements", "libSQL round trips", "PostgreSQL statements", "PostgreSQL round trips"],
        rows: FLOWS.map((flow) => [flow, ...cell(onLibsql, flow), ...cell(onPostgres, flow)]),
      },
    ],
  };
}

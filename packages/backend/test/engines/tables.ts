import * as postgres from "../../src/database/postgres/tables.js";
import * as sqlite from "../../src/database/tables.js";
import { onPostgres } from "./engine.js";

// The package's tables of this test run's dialect (TEST_ENGINE), for tests that read or write
// rows themselves. Typed as the libSQL tables, as the package's own code is: the PostgreSQL twins
// have the same property names and value types (src/database/postgres/tables.test.ts).

const t = (onPostgres() ? postgres : sqlite) as typeof sqlite;

export const users = t.users;
export const accounts = t.accounts;
export const sessions = t.sessions;
export const verificationTokens = t.verificationTokens;
export const authenticators = t.authenticators;
export const rateLimits = t.rateLimits;
export const uploads = t.uploads;
export const organizations = t.organizations;
export const members = t.members;
export const invitations = t.invitations;
export const auditEvents = t.auditEvents;
export const jwks = t.jwks;
export const refreshTokens = t.refreshTokens;
export const apiKeys = t.apiKeys;

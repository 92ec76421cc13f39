import { type Figure, formatValue, type Section } from "./report.js";

// Interpretation of each section: the verdict comes from this run's figures; the "why" comes
// from the investigation behind them (statement timings, `node --cpu-prof` profiles and query
// plans, recorded in the final report of the bench's author), and is checked against the
// figures that carry the same evidence in this run where the bench measures it.

/**
 * The figure named `part`, else the first whose name starts with it, else the last that contains
 * it (for the growth tiers: the largest).
 */
function find(section: Section, part: string, withTarget = false): Figure | undefined {
  const candidates = [...section.figures, ...section.ratios].filter((figure) => !withTarget || figure.target);
  return (
    candidates.find((figure) => figure.name === part) ??
    candidates.find((figure) => figure.name.startsWith(part)) ??
    candidates.filter((figure) => figure.name.includes(part)).at(-1)
  );
}

function value(section: Section, part: string): string {
  const figure = find(section, part);
  return figure ? formatValue(figure.stats.median, figure.unit) : "–";
}

function verdict(section: Section, part: string): string {
  const figure = find(section, part, true);
  if (!figure?.target) return "(not measured in this run)";
  const shown = `${formatValue(figure.stats.median, figure.unit)}${figure.unit === "ms" ? " ms" : ""}`;
  return `${figure.target.met ? "**Met**" : "**Not met**"} (${shown}, target ${figure.target.text})`;
}

function sessions(section: Section): string[] {
  return [
    `**getSession() ≥ 5× plain Auth.js (database strategy):** ${verdict(section, "getSession() ÷ Auth.js database auth()")}. getSession() reads the cookie and runs one indexed query (token hash → session ⋈ user) on a statement built once, then the session callback; auth() runs Auth.js's whole request pipeline (a Request to /session, cookie parsing, the adapter, a Response, its JSON) around the same query.`,
    `**getSession() ≥ 0.5× the @libsql/client point query:** ${verdict(section, "getSession() ÷ @libsql/client point SELECT")}. Where the time goes: @libsql/client prepares every statement again on every call and reads the column metadata each time (\`prepare\` and \`columns\` in libsql were 46 % of getSession()'s CPU in a \`node --cpu-prof\` profile; a libsql statement prepared once runs the point query at ${value(section, "libsql statement prepared once")} req/s). The metadata cost grows with the number of columns, and the package's lookup returns 15 (the whole session row and the whole user row): that SQL alone, through @libsql/client, runs at ${value(section, "the package's lookup SQL (15 columns)")} the point SELECT, and getSession() at ${value(section, "getSession() ÷ the package's lookup SQL alone")} of its own SQL. The same lookup with 11 columns runs at ${value(section, "@libsql/client: same lookup, 11 columns")} req/s, with the user row as one \`json_object\` column at ${value(section, "@libsql/client: same lookup, 4 columns")} req/s (point SELECT: ${value(section, "floor: @libsql/client indexed point SELECT")} req/s). Applied in the package (packages/backend/src/auth/session/store.ts, \`byHash\`; this run measures it): the lookup selects only the session columns a request needs and the user row as one \`json_object\` built from \`getTableColumns(users)\` (so custom columns such as \`role\` still reach the callbacks), decoded with the columns' own mappers.`,
    `**auth() through the Auth.js handler ≥ 1.0× plain Auth.js, despite hashing tokens:** ${verdict(section, "tetrastack auth() ÷ Auth.js database auth()")}; the route handler: ${verdict(section, "tetrastack /api/auth/session ÷")}. Both run the same Auth.js pipeline and one adapter query; the package adds a SHA-256 of the token (a few µs) and its composed callbacks, and its lookup is prepared once. The two are within each other's noise: read the min and max, not only the median.`,
    `**The JSON API's get-session** (\`apiHandlers.GET\`, what better-auth's client calls): ${value(section, "tetrastack GET /api/auth/get-session (JSON API handler, cookie)")} req/s with the session cookie, ${value(section, "tetrastack GET /api/auth/get-session (JSON API handler, bearer)")} req/s with \`Authorization: Bearer\`; ${value(section, "JSON API get-session (cookie) ÷ getSessionFromRequest()")} getSessionFromRequest() (the same lookup, plus routing, the request scope, the wire shapes, a Response and its JSON) and ${value(section, "JSON API get-session (cookie) ÷ better-auth GET /api/auth/get-session")} better-auth's own GET /api/auth/get-session (its handler over its Drizzle adapter on the same libSQL file, no cookie cache: ${value(section, "better-auth GET /api/auth/get-session, no cookie cache")} req/s).`,
    `For orientation: plain Auth.js with the JWT strategy decrypts and re-encrypts its cookie on every call (sliding expiry) with WebCrypto, which is why it is slower than its database strategy here (${value(section, "Auth.js JWT auth()")} vs ${value(section, "Auth.js database auth()")} req/s); better-auth's getSession() without cookie cache makes two queries (session by token, then user by id; joins are an experimental option), and with the cache it verifies an HMAC-signed cookie instead (${value(section, "better-auth api.getSession(), no cookie cache")} vs ${value(section, "better-auth api.getSession(), cookie cache")} req/s). getSession() is ${value(section, "getSession() ÷ better-auth getSession(), no cache")} better-auth without cache and ${value(section, "getSession() ÷ better-auth getSession(), cookie cache")} with it, while still checking the database on every request (revocation is immediate; a better-auth cache keeps a revoked session alive until the cache expires).`,
  ];
}

function signIn(section: Section): string[] {
  return [
    `**Sign-in excluding the hash no slower than plain Auth.js:** ${verdict(section, "tetrastack sign-in ÷ Auth.js JWT credentials sign-in, both excluding")}. Without the hash, a package sign-in takes ${value(section, "tetrastack sign-in excluding the hash")} ms against ${value(section, "Auth.js JWT credentials sign-in excluding the hash")} ms. The difference is SQLite writes that plain Auth.js does not make: two rate-limit upserts (per address, per account), the lockout check and reset, and the session row (plain Auth.js's credentials provider cannot create one: it signs a JWT instead). §3 prices the limiter's part; the session INSERT is the rest. SQLite's default \`synchronous = FULL\` fsyncs the WAL at every commit: on a connection with \`synchronous = NORMAL\` the same sign-in takes ${value(section, "tetrastack sign-in excluding the hash, synchronous = NORMAL")} ms, which matters only while the disk is busy (a statement trace taken while other jobs used the disk showed 7–30 ms write commits; on an idle disk they take 0.4–1 ms). The session row is the feature (it makes credentials sessions revocable); the limiter's writes are what can shrink: see §3.`,
    `Registration takes ${value(section, "tetrastack registerUser(), scrypt 2^10")} ms at scrypt 2^10, ${value(section, "tetrastack registerUser() excluding the hash")} ms of it outside the hash (validation, two rate-limit upserts, one batch writing the user and the credentials account). At the default cost (scrypt 2^17, OWASP's minimum), a sign-in takes ${value(section, "tetrastack sign-in, default scrypt 2^17")} ms, of which the hash is ${value(section, "hash share of a default-cost sign-in")}.`,
    `**Event loop under 20 concurrent sign-ins under 20 ms:** ${verdict(section, "event loop: worst delay")}. scrypt runs on libuv's threadpool and is not what blocks. @libsql/client runs \`file:\` databases through the native libsql module synchronously, on the main thread, and 20 sign-ins arriving together run their rate-limit and lockout statements back to back before the first hash starts: the worst stall held ${value(section, "SQLite statements inside the worst stall")} statements and ${value(section, "synchronous SQLite time inside the worst stall")} ms of synchronous SQL (measured by timing libsql's statement calls during the burst). The rest of the stall is the main thread waiting for a CPU while four threadpool threads hash on two cores (and whatever else runs on the machine). p99 stays at ${value(section, "event loop: p99 delay")} ms. Applied in the package (this run measures it): one upsert for both counters (§3) and a cap on concurrent scrypt derivations at the core count minus one (auth/password/hash.ts), so hashing never takes the event loop's core; that brought the worst stall from about 98 ms to the figure above. Not done yet: a yield (\`setImmediate\`) between the limiter's statements, so concurrent sign-ins interleave with other requests instead of queueing their SQL back to back.`,
  ];
}

function limits(section: Section): string[] {
  return [
    `**Limiter under 10 % of a session resolution:** ${verdict(section, "database limiter + lockout cost ÷ one getSession()")} against getSession(), ${verdict(section, "database limiter + lockout cost ÷ one auth()")} against auth(). The database limiter adds ${value(section, "added by the database limiter + lockout")} ms per sign-in (the two counters: ${value(section, "of which the two rate-limit counters")} ms; the lockout check and reset: ${value(section, "of which the lockout check and reset")} ms); in memory it adds ${value(section, "added by the in-memory limiter")} ms. Each counter is an upsert, a write transaction of its own, and a write commit costs several indexed reads: the two upserts alone, as plain SQL on the same connection, take ${value(section, "SQL: the two counter upserts as issued")} ms, against ${value(section, "session resolution: getSession()")} ms for a whole getSession(). No database-backed counter can cost a tenth of a session resolution. What keeps the cost out of the way is where it runs: only on sign-in, registration and email sending, never on the requests that resolve sessions, where it costs nothing.`,
    `Applied in the package (shared/rate-limit.ts, \`enforce\`; this run measures it): both counters are written in one multi-row upsert (\`INSERT … VALUES (ip), (account) ON CONFLICT (key) DO UPDATE … RETURNING key, count, reset_at\`): ${value(section, "SQL: both counters in one multi-row upsert")} ms instead of ${value(section, "SQL: the two counter upserts as issued")} ms (${value(section, "one multi-row upsert ÷ the two upserts as issued")}). Not done yet: preparing it once instead of building it per call, and skipping the lockout DELETE after a success when the lockout SELECT found no row. \`rateLimit.storage: "memory"\` remains the opt-in for a single instance.`,
  ];
}

function tokens(section: Section): string[] {
  return [
    `**verifyAPIKey() against one indexed point query** (the verification lookup's SQL through the package's own @libsql/client connection): ${value(section, "verifyAPIKey(key), no rate limit ÷ point SELECT")} without the per-key rate limit (${value(section, "verifyAPIKey(key), apiKeys.rateLimit: false")} req/s against ${value(section, "floor: @libsql/client indexed point SELECT")} req/s). What it adds to the query is a SHA-256 of the key, zod on the options and the row's mapping; \`lastUsedAt\` is written at most once a minute per key, so not in these rounds. With the default per-key rate limit (600 a minute, counted in the database) it runs at ${value(section, "verifyAPIKey(key), per-key rate limit counted in the database")} req/s, ${value(section, "verifyAPIKey(key), rate limit counted ÷ no rate limit")} of the uncounted verification: every request then writes its counter (one upsert on \`rate_limits\`, a write commit of its own, which SQLite's default \`synchronous = FULL\` syncs to disk, so it follows the disk). Counted in memory (\`rateLimit.storage: "memory"\`, one instance only) it keeps ${value(section, "verifyAPIKey(key), rate limit counted in memory ÷ no rate limit")} of the uncounted rate. A \`Request\` with \`x-api-key\` instead of the key string: ${value(section, "verifyAPIKey(request) with x-api-key")} req/s.`,
    `**verifyAccessToken() against one Ed25519 verification** (node:crypto, the token's own signature and published key): ${value(section, "verifyAccessToken() ÷ one Ed25519 verification")} (${value(section, "verifyAccessToken(token), EdDSA, key cached")} req/s against ${value(section, "floor: one Ed25519 verification")} req/s). No database query once the key is cached; the rest is jose's \`jwtVerify\` (WebCrypto's asynchronous verify, base64url and JSON decoding, the claim checks) and the header checks before it. Against a counted API key it runs at ${value(section, "verifyAccessToken() ÷ verifyAPIKey(key), rate limit counted")}.`,
  ];
}

function uploads(section: Section): string[] {
  return [
    `createUploadURL() makes ${value(section, "createUploadURL() (validation")} URLs/s against ${value(section, "bare getSignedUrl")} for the bare presigner call; signing is ${value(section, "signing-only share")} of its time. The rest is validation, the key and mostly the pending row, an INSERT whose write commit follows the disk: in a \`node --cpu-prof\` profile taken while other jobs used the disk, 70 % of createUploadURL()'s time was libsql executing that INSERT. The record is what lets completeUpload() verify the object and the owner, so the cost buys something. The AWS SDK presigner itself runs at ${value(section, "bare presigner call ÷ HMAC floor")} of the HMAC floor: its middleware stack and request serialisation, not the cryptography, cost the time; signing with node:crypto directly would make the signature nearly free; the INSERT and the validation would remain.`,
  ];
}

function imports(section: Section): string[] {
  return [
    `/database costs ${value(section, "/database ÷")} its drivers (it adds zod and the migrations embedded in the bundle); /uploads ${value(section, "/uploads ÷")} the AWS SDK (it also loads drizzle-orm and zod, for its records and validation, which the SDK-only baseline does not); /auth ${value(section, "/auth ÷")} next-auth with its Drizzle adapter (plus zod, drizzle-orm and the package's own code). /utils loads in ${value(section, "import @tetrastack/backend/utils")} ms. The /auth pair runs with a resolve hook that adds the \`.js\` extension to \`next/*\` imports (plain Node cannot resolve next-auth's \`next/server\` import otherwise), on both sides.`,
  ];
}

function growth(section: Section): string[] {
  return [
    `**Session resolution flat from 1 k to 1 M:** ${verdict(section, "getSession() at")}. The token hash is the sessions table's primary key and the user is found by its primary key.`,
    `**Sign-in flat from 1 k to 1 M:** ${verdict(section, "sign-in at")}. Before the fix (0.04× in the first full run) the credentials lookup (users by email, joined to the credentials account) was planned from the \`accounts (provider, provider_account_id)\` index with \`provider = ?\` as its only term, so SQLite walked every credentials account and joined each to its user before it tested the email: a scan that grew with the user count (see the query plans above and the lookup's own figures: ${value(section, "credentials lookup as issued at")} of its 1 k speed at the largest tier, while the same SQL with \`+a.provider\` stays at ${value(section, "credentials lookup with +provider at")}). With no ANALYZE statistics, SQLite guesses an equality on an index's first column is as selective as the email index. Because libsql runs on the main thread, at 1 M users each sign-in also blocked every other request for the whole scan. Fixed in the package (auth/password/credentials-row.ts, used by sign-in, password change and account claiming): the join term is \`+provider = 'credentials'\` (the unary + keeps the planner off that index; plan: users by email, then accounts by user id), and packages/backend/test/auth-query-plans.test.ts asserts that plan. What is left between tiers is the write commits of a sign-in (session row, counters), whose cost follows the disk and the WAL size: read the min and max.`,
    `**Expired-session cleanup in bounded batches, without locking out requests:** ${verdict(section, "prune() (package), worst")}. prune() deletes in batches sized by time (about 5 ms each: a slower batch halves the next, a quick one doubles it) with a yield in between (packages/backend/src/auth/batches.ts; before that change, fixed 500-row batches stalled the loop up to 37 ms at 1 M), so other requests interleave (the slowest concurrent getSession() during the cleanup took ${value(section, "prune() (package), slowest concurrent getSession()")} ms once it ran). libsql runs each batch synchronously on the main thread, and at the largest tier a batch of random rows touches the table and its four indexes at random pages: ${value(section, "prune() (package), duration")} ms for ${value(section, "prune() (package), rows deleted")} rows, and a request that arrives during a batch waits up to ${value(section, "prune() (package), worst")} ms for it. The bench's fixed 100-row sketch gives ${value(section, "100-row batches (bench sketch), worst")} ms at a similar total (${value(section, "100-row batches (bench sketch), duration")} ms).`,
  ];
}

/** Interpretation paragraphs for a section, from its title. */
export function interpret(section: Section): string[] {
  if (section.title.startsWith("Session resolution")) return sessions(section);
  if (section.title.startsWith("Sign-in")) return signIn(section);
  if (section.title.startsWith("Rate limiting")) return limits(section);
  if (section.title.startsWith("API keys and access tokens")) return tokens(section);
  if (section.title.startsWith("Uploads")) return uploads(section);
  if (section.title.startsWith("Import cost")) return imports(section);
  if (section.title.startsWith("Growth")) return growth(section);
  return [];
}

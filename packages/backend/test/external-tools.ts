/**
 * Tests that need a program the machine may lack (Debian's PostgreSQL server, Python with botocore
 * or PyJWT) skip with a printed reason on a developer's machine, and fail instead where
 * `REQUIRE_EXTERNAL_TOOLS=1` (set by `.ci/run`, which installs them): a CI run never passes by
 * quietly skipping them.
 */
export function externalTool(name: string, available: boolean, reason: string): { skip: boolean } {
  if (available) return { skip: false };
  const message = `${name} is not available here (${reason})`;
  if (process.env.REQUIRE_EXTERNAL_TOOLS === "1") {
    throw new Error(`${message}; REQUIRE_EXTERNAL_TOOLS=1 makes it mandatory (.ci/run installs it)`);
  }
  console.warn(`Skipping the tests that need ${message}.`);
  return { skip: true };
}

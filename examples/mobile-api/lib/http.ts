import { isTetrastackError } from "@tetrastack/backend/auth";

/** An error answer in the JSON API's format: `{ code, message }` (better-auth's), with its status. */
export function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status });
}

export const unauthorized = (): Response =>
  errorResponse(
    401,
    "UNAUTHORIZED",
    'Send `Authorization: Bearer <accessToken>` from POST /api/auth/sign-in/email with "issueTokens": true.',
  );

/**
 * Runs a handler and turns the package's errors into JSON answers with their HTTP status and
 * `Retry-After` (`error.toJSON()` never includes secrets); anything else is a 500 logged on the server.
 */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isTetrastackError(error) && error.status < 500) {
      const headers = new Headers();
      const retryAfter = (error as { retryAfter?: number }).retryAfter;
      if (retryAfter) headers.set("retry-after", String(retryAfter));
      const { name: _name, ...body } = error.toJSON();
      return Response.json(body, { status: error.status, headers });
    }
    throw error;
  }
}

/** The JSON body of a request, or an empty object when it is missing or not a JSON object. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = await request.json();
    return typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  } catch {
    return {};
  }
}

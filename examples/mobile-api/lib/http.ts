import { isTetrastackError } from "@tetrastack/backend/auth";

/** A JSON error body with the package's stable code: `{ error: { code, message, issues? } }`. */
export function errorResponse(status: number, code: string, message: string, extra: object = {}): Response {
  return Response.json({ error: { code, message, ...extra } }, { status });
}

export const unauthorized = (): Response =>
  errorResponse(401, "UNAUTHORIZED", "Send `Authorization: Bearer <token>` from POST /api/v1/sessions.");

/**
 * Runs a handler and turns the package's errors into JSON answers with their HTTP status
 * (`error.toJSON()` never includes secrets); anything else is a 500 logged on the server.
 */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isTetrastackError(error)) {
      const headers = new Headers();
      const retryAfter = (error as { retryAfter?: number }).retryAfter;
      if (retryAfter) headers.set("retry-after", String(retryAfter));
      return Response.json({ error: error.toJSON() }, { status: error.status, headers });
    }
    throw error;
  }
}

/** The JSON body of a request, or an empty object when it is missing or not JSON. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = await request.json();
    return typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  } catch {
    return {};
  }
}

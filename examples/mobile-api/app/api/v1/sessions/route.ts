import { getSignInError } from "@tetrastack/backend/auth";
import { listSessions, signIn } from "@/auth";
import { sessionFromBearer, takeSessionToken } from "@/lib/bearer";
import { errorResponse, handle, jsonBody, unauthorized } from "@/lib/http";

const STATUS = { INVALID_CREDENTIALS: 401, ACCOUNT_LOCKED: 423, RATE_LIMITED: 429, EMAIL_NOT_VERIFIED: 403 } as const;

/**
 * POST /api/v1/sessions { email, password } → 201 { token, tokenType: "Bearer" }.
 * Signs in through Auth.js on the server (rate limits and lockout included) and hands the session
 * token to the client instead of a cookie. 401 INVALID_CREDENTIALS, 423 ACCOUNT_LOCKED, 429 RATE_LIMITED.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await jsonBody(request);
  try {
    await signIn("credentials", { email: body.email, password: body.password, redirect: false });
  } catch (error) {
    const failure = getSignInError(error);
    if (!failure) throw error;
    const status = failure.code in STATUS ? STATUS[failure.code as keyof typeof STATUS] : 500;
    const response = errorResponse(status, failure.code, "Sign-in failed.", { retryAfter: failure.retryAfter });
    if (failure.retryAfter) response.headers.set("retry-after", String(failure.retryAfter));
    return response;
  }
  const token = await takeSessionToken();
  if (!token) return errorResponse(500, "AUTH_ERROR", "No session was created.");
  return Response.json({ token, tokenType: "Bearer" }, { status: 201 });
}

/** GET /api/v1/sessions → { sessions }: every live session of the user; `current` marks this token's. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const session = await sessionFromBearer(request);
    if (!session) return unauthorized();
    const sessions = await listSessions(session.user.id);
    return Response.json({
      sessions: sessions.map((item) => ({ ...item, current: item.id === session.sessionId })),
    });
  });
}

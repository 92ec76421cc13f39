import { registerUser } from "@/auth";
import { handle, jsonBody } from "@/lib/http";

/**
 * POST /api/v1/users { email, password, name? } → 201 { user }.
 * 400 VALIDATION_FAILED (with `issues`), 409 CONFLICT (email taken), 429 RATE_LIMITED.
 */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await jsonBody(request);
    const { user } = await registerUser({
      email: body.email as string,
      password: body.password as string,
      name: (body.name as string | undefined) ?? null,
    });
    return Response.json({ user }, { status: 201 });
  });
}

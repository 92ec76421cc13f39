import { isTetrastackError } from "@tetrastack/backend/uploads";
import { getSession } from "@/auth";
import { uploads } from "@/lib/uploads";

/**
 * GET /uploads/download?key=…: checks that the signed-in user owns the file, then redirects to a
 * short-lived presigned GET whose Content-Disposition carries the original filename.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await getSession();
  if (!session) return Response.redirect(new URL("/sign-in?callbackUrl=/uploads", request.url), 303);
  const key = new URL(request.url).searchParams.get("key") ?? "";
  try {
    const { url } = await uploads.createDownloadURL(key, { ownerId: session.user.id, disposition: "attachment" });
    return Response.redirect(url, 303);
  } catch (error) {
    if (isTetrastackError(error)) return Response.json({ error: error.code }, { status: error.status });
    throw error;
  }
}

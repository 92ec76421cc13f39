// The package's JSON API (sign-up, sign-in, get-session, sign-out, sessions, account flows: the
// paths and shapes of better-auth's email endpoints), with Auth.js's own routes for every other
// path under /api/auth.
import { apiHandlers } from "@/auth";

export const { GET, POST, OPTIONS } = apiHandlers;

// Auth.js's HTTP endpoints (OAuth callbacks, CSRF, session). This app's own forms never call them
// from the browser: sign-in and sign-out run in server actions.
import { handlers } from "@/auth";

export const { GET, POST } = handlers;

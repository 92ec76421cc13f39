/** A same-site path to go to after signing in; anything else (absolute URLs, `//host`) becomes `fallback`. */
export function safePath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

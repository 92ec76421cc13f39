import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Sign-in problem" };

/**
 * Auth.js's error page (`pages.error` in auth.config.ts): its route handlers send the browser here
 * with `?error=<code>`. `UNTRUSTED_HOST` comes from @tetrastack/backend when the server runs in
 * production without AUTH_URL or AUTH_TRUST_HOST; the rest are Auth.js's own codes.
 */
const explanations: Record<string, string> = {
  UNTRUSTED_HOST:
    "Sign-in is not available: this server does not trust its own address yet. Whoever runs it must set AUTH_URL to the app's public URL, or AUTH_TRUST_HOST=true behind a proxy they control (the server log says the same).",
  Configuration: "Sign-in is not available because of a problem with the server's configuration.",
  AccessDenied: "You may not sign in with this account.",
  Verification: "This sign-in link is no longer valid. It may have been used already, or it has expired.",
};

export default async function AuthErrorPage({ searchParams }: PageProps<"/auth-error">) {
  const { error } = await searchParams;
  const code = typeof error === "string" ? error : "";
  return (
    <section className="card narrow" aria-labelledby="auth-error-title">
      <h1 id="auth-error-title">Sign-in problem</h1>
      <p role="alert" data-code={code || undefined}>
        {explanations[code] ?? "Signing in did not work. Please try again."}
      </p>
      <p>
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}

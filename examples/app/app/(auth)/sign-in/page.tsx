import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSession } from "@/auth";
import { safePath } from "@/lib/safe-path";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const notices: Record<string, string> = {
  verified: "Your email is verified. Sign in to continue.",
  "password-reset": "Your password was changed. Sign in with the new one.",
  "account-deleted": "Your account was deleted.",
  "signed-out": "You are signed out.",
  "email-changed": "Your email address was changed. Sign in with the new one.",
  reauth: "For your security, sign in again to continue.",
};

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const params = await searchParams;
  const redirectTo = safePath(params.callbackUrl);
  // `reauth` asks a signed-in user to prove it is them again (for changes that need a fresh sign-in).
  if (params.notice !== "reauth" && (await getSession())) redirect(redirectTo);
  const notice = typeof params.notice === "string" ? notices[params.notice] : undefined;
  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <SignInForm redirectTo={redirectTo} />
      <p>
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>.
      </p>
    </section>
  );
}

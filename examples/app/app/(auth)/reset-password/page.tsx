import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const { token } = await searchParams;
  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      {typeof token === "string" && token ? (
        <>
          <p>Every device signed in to your account will be signed out.</p>
          <ResetPasswordForm token={token} />
        </>
      ) : (
        <p role="alert">
          This page needs the link from the email we sent you. <Link href="/forgot-password">Ask for one</Link>.
        </p>
      )}
    </section>
  );
}

import type { Metadata } from "next";
import { TokenForm } from "@/components/token-form";
import { confirmEmail } from "./actions";

export const metadata: Metadata = { title: "Verify your email" };

export default async function VerifyEmailPage({ searchParams }: PageProps<"/verify-email">) {
  const { token } = await searchParams;
  return (
    <section className="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email</h1>
      {typeof token === "string" && token ? (
        <>
          <p>Confirm that this email address is yours.</p>
          <TokenForm
            token={token}
            action={confirmEmail}
            label="Verify my email"
            pendingLabel="Verifying…"
            retry={{ href: "/dashboard", text: "Sign in and send a new link from your dashboard" }}
          />
        </>
      ) : (
        <p role="alert">This page needs the link from the email we sent you.</p>
      )}
    </section>
  );
}

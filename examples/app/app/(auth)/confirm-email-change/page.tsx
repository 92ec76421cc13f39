import type { Metadata } from "next";
import { TokenForm } from "@/components/token-form";
import { confirmNewEmail } from "./actions";

export const metadata: Metadata = { title: "Confirm your new email" };

export default async function ConfirmEmailChangePage({ searchParams }: PageProps<"/confirm-email-change">) {
  const { token } = await searchParams;
  return (
    <section className="card narrow" aria-labelledby="confirm-email-title">
      <h1 id="confirm-email-title">Confirm your new email</h1>
      {typeof token === "string" && token ? (
        <>
          <p>Use this address to sign in from now on.</p>
          <TokenForm
            token={token}
            action={confirmNewEmail}
            label="Confirm new email"
            pendingLabel="Confirming…"
            retry={{ href: "/account", text: "Ask for a new link from your account page" }}
          />
        </>
      ) : (
        <p role="alert">This page needs the link from the email we sent you.</p>
      )}
    </section>
  );
}

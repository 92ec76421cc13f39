import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { getSession } from "@/auth";
import { SubmitButton } from "@/components/form-parts";
import { devMailboxEnabled } from "@/lib/mail";
import { signOutAction } from "./sign-out-actions";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tetrastack example", template: "%s · Tetrastack example" },
  description: "An app built on @tetrastack/backend: auth, database and uploads.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main">
            <Link href="/" className="brand">
              Tetrastack
            </Link>
            {session ? (
              <>
                <Link href="/dashboard">Dashboard</Link>
                <Link href="/uploads">Uploads</Link>
                <Link href="/account">Account</Link>
              </>
            ) : null}
            {devMailboxEnabled() ? <Link href="/dev/mailbox">Dev mailbox</Link> : null}
            <span className="spacer" />
            {session ? (
              <form action={signOutAction}>
                <span className="hint who">{session.user.email}</span>{" "}
                <SubmitButton pendingText="Signing out…">Sign out</SubmitButton>
              </form>
            ) : (
              <>
                <Link href="/sign-in">Sign in</Link>
                <Link href="/sign-up" className="button primary">
                  Sign up
                </Link>
              </>
            )}
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { type ReactNode, Suspense } from "react";
import { HeaderSession } from "@/components/header-session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tetrastack example", template: "%s · Tetrastack example" },
  description: "An app built on @tetrastack/backend: auth, database and uploads.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
            {/* Who is signed in is request data: it streams in, the rest of the header is static. */}
            <Suspense fallback={<span className="spacer" />}>
              <HeaderSession />
            </Suspense>
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

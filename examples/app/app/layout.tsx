import type { Metadata } from "next";
import { type ReactNode, Suspense } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tetrastack example", template: "%s · Tetrastack example" },
  description: "An app built on @tetrastack/backend: auth, database and uploads.",
};

/** `header` is the `@header` slot: rendered again with every page, unlike this layout (see components/site-header.tsx). */
export default function RootLayout({ children, header }: { children: ReactNode; header: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {/* Who is signed in is request data: the header streams in, the rest of the page shell is static. */}
        <Suspense fallback={<div className="site-header-placeholder" aria-hidden="true" />}>{header}</Suspense>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

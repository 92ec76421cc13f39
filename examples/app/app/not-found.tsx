import type { Metadata } from "next";
import Link from "next/link";

// Spelled out: the root layout's title template applies to the segments below it, and this page
// sits beside the layout.
export const metadata: Metadata = { title: { absolute: "Page not found · Tetrastack example" } };

/** The 404 page, inside the root layout and its header. */
export default function NotFound() {
  return (
    <section className="card narrow" aria-labelledby="not-found-title">
      <p className="hint">Error 404</p>
      <h1 id="not-found-title">Page not found</h1>
      <p>There is nothing at this address. The link may be mistyped, or the page may have moved.</p>
      <p className="actions">
        <Link className="button primary" href="/">
          Go to the home page
        </Link>
        <Link className="button" href="/dashboard">
          Dashboard
        </Link>
      </p>
    </section>
  );
}

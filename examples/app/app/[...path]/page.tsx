import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Page not found" };

/**
 * Every URL no other route matches. It answers 404 with app/not-found.tsx like Next.js would, but
 * from a route, so the `@header` slot renders too: Next.js's own 404 route has no slots.
 */
export default function MissingPage(): never {
  notFound();
}

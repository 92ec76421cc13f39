/**
 * The static shell's placeholder for every page while its request-time part (the session, the
 * search params) streams in: with Cache Components this is the <Suspense> boundary those reads
 * need, and what a visitor sees for the first few milliseconds.
 */
export default function Loading() {
  return (
    <p className="hint" role="status">
      Loading…
    </p>
  );
}

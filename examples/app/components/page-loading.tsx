/**
 * The placeholder of a page while its request-time part (the session, the search params) streams
 * in. Each page that reads the request has a `loading.tsx` re-exporting this: with Cache
 * Components that is the <Suspense> boundary those reads need, and it sits in the page's own
 * segment, below the root layout every navigation keeps, so client navigations between pages stay
 * instant too (`next dev` validates both).
 */
export default function PageLoading() {
  return (
    <p className="hint" role="status">
      Loading…
    </p>
  );
}

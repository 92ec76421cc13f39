export default function Home() {
  return (
    <main>
      <h1>@tetrastack/backend mobile API example</h1>
      <p>
        A JSON API under <code>/api/v1</code>; see README.md.
      </p>
    </main>
  );
}

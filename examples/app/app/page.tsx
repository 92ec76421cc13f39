import Link from "next/link";

export default function HomePage() {
  return (
    <section className="hero" aria-labelledby="home-title">
      <h1 id="home-title">An example app on @tetrastack/backend</h1>
      <p>
        Email and password accounts with revocable database sessions, notes stored in the app's own table next to the
        package's schema, and files uploaded from the browser straight to S3-compatible storage.
      </p>
      <p className="actions">
        <Link className="button primary" href="/sign-up">
          Create an account
        </Link>
        <Link className="button" href="/sign-in">
          Sign in
        </Link>
      </p>
    </section>
  );
}

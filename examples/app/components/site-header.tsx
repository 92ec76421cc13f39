import Link from "next/link";
import { signOutAction } from "@/app/sign-out-actions";
import { getSession, listOrganizations } from "@/auth";
import { SubmitButton } from "@/components/form-parts";
import { OrganizationSwitcher } from "@/components/organization-switcher";
import { devMailboxEnabled } from "@/lib/mail";

/**
 * The site header, from the session of the request being rendered. It is rendered by the
 * `@header` slot (app/@header), not by the root layout: Next.js keeps a layout as it was on
 * client-side navigations, so a header in the layout went on showing a revoked session as
 * signed in on the Sign in page it redirected to. A slot page matching every URL is rendered
 * again with each page, in the same response.
 *
 * Wide screens show the links in one row; below 48rem they go into a disclosure menu, so the
 * header stays one row on a phone. A member of an organization gets a switcher (the session's
 * active organization); anyone else a link to create or join one.
 */
export async function SiteHeader() {
  const session = await getSession();
  const mailbox = devMailboxEnabled() ? <Link href="/dev/mailbox">Dev mailbox</Link> : null;
  const organizations = session ? await listOrganizations() : [];
  const switcher =
    organizations.length > 0 ? (
      <OrganizationSwitcher
        organizations={organizations.map(({ id, name }) => ({ id, name }))}
        activeId={session?.activeOrganizationId ?? null}
      />
    ) : (
      <Link href="/organizations">Organizations</Link>
    );
  const appLinks = session ? (
    <>
      {switcher}
      <Link href="/dashboard">Dashboard</Link>
      <Link href="/uploads">Uploads</Link>
      <Link href="/account">Account</Link>
    </>
  ) : null;
  const signOut = session ? (
    <form action={signOutAction} className="sign-out">
      <span className="hint who" title={session.user.email ?? undefined}>
        {session.user.email}
      </span>
      <SubmitButton pendingText="Signing out…">Sign out</SubmitButton>
    </form>
  ) : null;
  return (
    <header className="site-header" data-session={session ? "signed-in" : "signed-out"}>
      <div className="site-header-bar">
        <Link href="/" className="brand">
          Tetrastack
        </Link>
        <nav aria-label="Main" className="wide-only site-links">
          {appLinks}
          {mailbox}
        </nav>
        <span className="spacer" />
        {session ? (
          <div className="wide-only">{signOut}</div>
        ) : (
          <div className="site-account">
            <Link href="/sign-in">Sign in</Link>
            <Link href="/sign-up" className="button primary">
              Sign up
            </Link>
          </div>
        )}
        {session || mailbox ? (
          <details className="narrow-only site-menu">
            <summary className="button">Menu</summary>
            <nav aria-label="Main" className="site-menu-panel">
              {appLinks}
              {mailbox}
              {signOut}
            </nav>
          </details>
        ) : null}
      </div>
    </header>
  );
}

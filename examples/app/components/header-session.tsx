import Link from "next/link";
import { signOutAction } from "@/app/sign-out-actions";
import { getSession } from "@/auth";
import { devMailboxEnabled } from "@/lib/mail";
import { SubmitButton } from "./form-parts";

/**
 * The part of the header that depends on the request: who is signed in, and whether the dev
 * mailbox is on (an environment variable of the server, not of the build). With Cache Components
 * it renders at request time inside the layout's <Suspense>; the rest of the header is static.
 */
export async function HeaderSession() {
  // getSession() reads the request, so what follows runs at request time: devMailboxEnabled()
  // sees the server's environment, not the build's.
  const session = await getSession();
  return (
    <>
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
    </>
  );
}

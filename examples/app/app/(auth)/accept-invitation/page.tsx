import { toActionError } from "@tetrastack/backend/utils";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getInvitation, getSession } from "@/auth";
import { ActionForm } from "@/components/action-form";
import { acceptWithTokenAction, declineWithTokenAction } from "./actions";

export const metadata: Metadata = { title: "Invitation" };

/** The page an invitation mail links to: who invites you where, then accept (signed in) or decline. */
export default async function AcceptInvitationPage({ searchParams }: PageProps<"/accept-invitation">) {
  const { token } = await searchParams;
  if (typeof token !== "string" || !token) {
    return (
      <section className="card narrow" aria-labelledby="invitation-title">
        <h1 id="invitation-title">Invitation</h1>
        <p role="alert">This page needs the link from the invitation email.</p>
      </section>
    );
  }
  // getInvitation compares the expiry with the clock, and reads no request data that would tell
  // Next: this page is rendered per request.
  await connection();
  // Reads the invitation without using the token; an unknown, used or expired one is a TokenError.
  const [found, session] = await Promise.all([
    getInvitation(token).then(
      (details) => ({ details }),
      (error: unknown) => ({ problem: toActionError(error).error.message }),
    ),
    getSession(),
  ]);
  if ("problem" in found) {
    return (
      <section className="card narrow" aria-labelledby="invitation-title">
        <h1 id="invitation-title">Invitation</h1>
        <p role="alert">{found.problem}</p>
        <p>Ask for a new invitation.</p>
      </section>
    );
  }
  const { invitation, organization, inviter } = found.details;
  const here = `/accept-invitation?token=${encodeURIComponent(token)}`;
  return (
    <section className="card narrow" aria-labelledby="invitation-title">
      <h1 id="invitation-title">Join {organization.name}</h1>
      <p>
        {inviter?.name ?? inviter?.email ?? "A member"} invites <strong>{invitation.email}</strong> to{" "}
        {organization.name} as {invitation.role}.
      </p>
      {session ? (
        <div className="actions">
          <ActionForm
            action={acceptWithTokenAction}
            id="accept"
            submit="Accept invitation"
            pendingText="Joining…"
            buttonClassName="primary"
          >
            <input type="hidden" name="token" value={token} />
          </ActionForm>
          <ActionForm action={declineWithTokenAction} id="decline" submit="Decline" pendingText="Declining…">
            <input type="hidden" name="token" value={token} />
          </ActionForm>
        </div>
      ) : (
        <>
          <p>
            Sign in with {invitation.email} to accept, or create an account with that address (and verify it from the
            email we send), then open this link again.
          </p>
          <div className="actions">
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className="button primary">
              Sign in to accept
            </Link>
            <Link href="/sign-up" className="button">
              Create an account
            </Link>
          </div>
          <ActionForm action={declineWithTokenAction} id="decline" submit="Decline" pendingText="Declining…">
            <input type="hidden" name="token" value={token} />
          </ActionForm>
        </>
      )}
    </section>
  );
}

import { eq } from "drizzle-orm";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/auth";
import { db, users } from "@/db";
import { ChangeEmailForm, ChangePasswordForm, DeleteAccountForm } from "./account-forms";
import { SessionsSection } from "./sessions-section";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage({ searchParams }: PageProps<"/account">) {
  const { notice } = await searchParams;
  const { user, sessionId } = await requireUser();
  const row = await db.query.users.findFirst({ where: eq(users.id, user.id), columns: { emailVerified: true } });
  return (
    <>
      <h1>Account</h1>
      {notice === "email-changed" ? (
        <p className="success" role="status">
          Your email address is now {user.email}. Your other devices were signed out.
        </p>
      ) : null}
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <p>
          Signed in as <strong>{user.email}</strong>{" "}
          {row?.emailVerified ? <span className="badge">Verified</span> : <span className="badge">Not verified</span>}
        </p>
      </section>
      <SessionsSection userId={user.id} currentSessionId={sessionId} />
      <section className="card" aria-labelledby="api-keys-title">
        <h2 id="api-keys-title">API keys</h2>
        <p>
          Let a script or another server read your notes. <Link href="/account/api-keys">Manage API keys</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <ChangePasswordForm />
      </section>
      <section className="card" aria-labelledby="email-title">
        <h2 id="email-title">Change email</h2>
        <ChangeEmailForm current={user.email ?? ""} />
      </section>
      <section className="card danger" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete account</h2>
        <p>This deletes your account, your notes and your uploaded files. It cannot be undone.</p>
        <DeleteAccountForm />
      </section>
    </>
  );
}

import { desc, eq } from "drizzle-orm";
import type { Metadata } from "next";
import { requireUser } from "@/auth";
import { SubmitButton } from "@/components/form-parts";
import { db, notes, users } from "@/db";
import { deleteNote } from "./actions";
import { NoteForm } from "./note-form";
import { ResendVerification } from "./resend-verification";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: PageProps<"/dashboard">) {
  const { notice } = await searchParams;
  const { user } = await requireUser(); // the real check: the proxy only saw that a cookie exists
  const [account, rows] = await Promise.all([
    db.query.users.findFirst({ where: eq(users.id, user.id), columns: { emailVerified: true } }),
    db.query.notes.findMany({ where: eq(notes.userId, user.id), orderBy: desc(notes.createdAt), limit: 100 }),
  ]);
  return (
    <>
      <h1>Hello, {user.name ?? user.email}</h1>
      {notice === "verified" ? (
        <p className="success" role="status">
          Your email address is verified.
        </p>
      ) : null}
      {account?.emailVerified ? null : (
        <div className="notice">
          <p>Your email address is not verified yet. Check your inbox for the link.</p>
          <ResendVerification />
        </div>
      )}
      <section aria-labelledby="notes-title" className="card">
        <h2 id="notes-title">Your notes</h2>
        <NoteForm />
        {rows.length === 0 ? (
          <p>No notes yet.</p>
        ) : (
          <ul className="list" aria-label="Notes">
            {rows.map((note) => (
              <li key={note.id}>
                <p className="note-body">{note.body}</p>
                <time dateTime={note.createdAt.toISOString()}>{note.createdAt.toUTCString()}</time>
                <form action={deleteNote}>
                  <input type="hidden" name="id" value={note.id} />
                  <SubmitButton pendingText="Deleting…" aria-label={`Delete note: ${note.body.slice(0, 40)}`}>
                    Delete
                  </SubmitButton>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { listAuditEvents, listMembers, requireMember } from "@/auth";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: PageProps<"/org/audit">) {
  const { cursor } = await searchParams;
  // listAuditEvents checks nobody: the audit permission is asked here (owners and admins).
  const { organizationId } = await requireMember(undefined, {
    permission: { audit: ["read"] },
    redirectTo: "/org",
  });
  const [page, members] = await Promise.all([
    listAuditEvents({ organizationId }, { limit: 50, ...(typeof cursor === "string" && { cursor }) }),
    listMembers(organizationId),
  ]);
  // Events keep ids, not names (they outlive the accounts): name the ones that are still members.
  const names = new Map(members.items.map((member) => [member.user.id, member.user.name ?? member.user.email]));
  const who = (id: string | null) => (id ? (names.get(id) ?? "a former member") : "nobody");
  return (
    <>
      <h1>Audit log</h1>
      <p className="hint">
        Every change to the organization, its members and invitations, newest first. <Link href="/org">Back</Link>
      </p>
      <section className="card" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        {page.items.length === 0 ? (
          <p>No events yet.</p>
        ) : (
          <ul className="list" aria-label="Audit events">
            {page.items.map((event) => (
              <li key={event.id}>
                <p>
                  <code>{event.action}</code> by {who(event.actorId)}
                  {event.userId && event.userId !== event.actorId ? <> for {who(event.userId)}</> : null}
                  {event.details ? <span className="hint audit-details"> {JSON.stringify(event.details)}</span> : null}
                  <br />
                  <time className="hint" dateTime={event.createdAt.toISOString()}>
                    {event.createdAt.toUTCString()}
                  </time>
                </p>
              </li>
            ))}
          </ul>
        )}
        {page.nextCursor ? (
          <p>
            <Link href={`/org/audit?cursor=${encodeURIComponent(page.nextCursor)}`}>Older events</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

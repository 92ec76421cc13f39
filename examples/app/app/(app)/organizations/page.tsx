import type { Metadata } from "next";
import { listOrganizations, listUserInvitations, requireUser } from "@/auth";
import { ActionForm } from "@/components/action-form";
import { Field } from "@/components/form-parts";
import { acceptInvitationAction, createOrganizationAction, declineInvitationAction } from "./actions";
import { OpenOrganizationButton } from "./open-button";

export const metadata: Metadata = { title: "Organizations" };

export default async function OrganizationsPage({ searchParams }: PageProps<"/organizations">) {
  const { notice } = await searchParams;
  await requireUser();
  const [organizations, invitations] = await Promise.all([listOrganizations(), listUserInvitations()]);
  return (
    <>
      <h1>Organizations</h1>
      {notice === "not-a-member" ? (
        <p className="notice" role="status">
          You are no longer a member of that organization.
        </p>
      ) : null}
      {invitations.length > 0 ? (
        <section className="card" aria-labelledby="invitations-title">
          <h2 id="invitations-title">Invitations for you</h2>
          <ul className="list" aria-label="Invitations for you">
            {invitations.map(({ invitation, organization, inviter }) => (
              <li key={invitation.id}>
                <p>
                  <strong>{organization.name}</strong>, as {invitation.role}
                  <br />
                  <span className="hint">from {inviter?.name ?? inviter?.email ?? "a former member"}</span>
                </p>
                <div className="actions">
                  <ActionForm
                    action={acceptInvitationAction}
                    id={`accept-${invitation.id}`}
                    submit="Accept"
                    pendingText="Joining…"
                    label={`Accept the invitation to ${organization.name}`}
                    buttonClassName="primary"
                  >
                    <input type="hidden" name="invitationId" value={invitation.id} />
                  </ActionForm>
                  <ActionForm
                    action={declineInvitationAction}
                    id={`decline-${invitation.id}`}
                    submit="Decline"
                    pendingText="Declining…"
                    label={`Decline the invitation to ${organization.name}`}
                  >
                    <input type="hidden" name="invitationId" value={invitation.id} />
                  </ActionForm>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-labelledby="yours-title">
        <h2 id="yours-title">Your organizations</h2>
        {organizations.length === 0 ? (
          <p>You are not a member of any organization yet.</p>
        ) : (
          <ul className="list" aria-label="Your organizations">
            {organizations.map((organization) => (
              <li key={organization.id}>
                <p>
                  <strong>{organization.name}</strong> <span className="badge">{organization.role}</span>
                </p>
                <OpenOrganizationButton id={organization.id} name={organization.name} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="new-organization-title">
        <h2 id="new-organization-title">New organization</h2>
        <ActionForm
          action={createOrganizationAction}
          id="new-organization"
          submit="Create organization"
          pendingText="Creating…"
          buttonClassName="primary"
        >
          <Field label="Organization name" name="name" required maxLength={100} autoComplete="organization" />
        </ActionForm>
      </section>
    </>
  );
}

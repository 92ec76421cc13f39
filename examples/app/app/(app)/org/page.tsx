import { desc, eq } from "drizzle-orm";
import type { Metadata } from "next";
import Link from "next/link";
import { access, listInvitations, listMembers, requireMember } from "@/auth";
import { ActionForm } from "@/components/action-form";
import { Field } from "@/components/form-parts";
import { db, projects } from "@/db";
import { devMailboxEnabled } from "@/lib/mail";
import {
  changeRoleAction,
  createProjectAction,
  deleteOrganizationAction,
  deleteProjectAction,
  inviteAction,
  leaveAction,
  removeMemberAction,
  revokeInvitationAction,
} from "./actions";

export const metadata: Metadata = { title: "Organization" };

/** Roles an inviter may hand out from this page (owners are made by changing a member's role). */
const INVITABLE = access.roles.filter((role) => role !== "owner");

export default async function OrganizationPage() {
  // The active organization's membership comes with the session (one query); none → the list.
  const membership = await requireMember(undefined, { redirectTo: "/organizations" });
  const { organizationId, can } = membership;
  const canManageMembers = can({ member: ["update"] });
  const [organization, rows, members, invitations] = await Promise.all([
    db.query.organizations.findFirst({ where: (o, { eq: is }) => is(o.id, organizationId) }),
    db.query.projects.findMany({
      where: eq(projects.organizationId, organizationId),
      orderBy: desc(projects.createdAt),
      limit: 100,
    }),
    listMembers(organizationId),
    can({ invitation: ["create"] }) ? listInvitations(organizationId) : Promise.resolve([]),
  ]);
  const name = organization?.name ?? "Organization";
  return (
    <>
      <h1>{name}</h1>
      <p className="hint">
        You are <span className="badge">{membership.role}</span> here.
        {can({ audit: ["read"] }) ? (
          <>
            {" "}
            <Link href="/org/audit">Audit log</Link>
          </>
        ) : null}
      </p>

      <section className="card" aria-labelledby="projects-title">
        <h2 id="projects-title">Projects</h2>
        <p className="hint">Owned by the organization: every member sees them.</p>
        {can({ project: ["create"] }) ? (
          <ActionForm action={createProjectAction} id="new-project" submit="Add project" pendingText="Adding…">
            <Field label="Project name" name="name" required maxLength={100} />
          </ActionForm>
        ) : null}
        {rows.length === 0 ? (
          <p>No projects yet.</p>
        ) : (
          <ul className="list" aria-label="Projects">
            {rows.map((project) => (
              <li key={project.id}>
                <p>{project.name}</p>
                {can({ project: ["delete"] }) ? (
                  <ActionForm
                    action={deleteProjectAction}
                    id={`delete-project-${project.id}`}
                    submit="Delete"
                    pendingText="Deleting…"
                    label={`Delete project ${project.name}`}
                  >
                    <input type="hidden" name="id" value={project.id} />
                  </ActionForm>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ul className="list" aria-label="Members">
          {members.items.map((member) => {
            const who = member.user.name ?? member.user.email ?? "A member";
            const self = member.id === membership.memberId;
            // Only an owner may touch an owner (the package refuses anyone else): no buttons for it.
            const manageable = canManageMembers && !self && (member.role !== "owner" || membership.role === "owner");
            return (
              <li key={member.id}>
                <p>
                  <strong>{who}</strong> <span className="badge">{member.role}</span>
                  {self ? <span className="hint"> (you)</span> : null}
                  <br />
                  <span className="hint">{member.user.email}</span>
                </p>
                {manageable ? (
                  <div className="actions">
                    <ActionForm
                      action={changeRoleAction}
                      id={`role-${member.id}`}
                      submit="Change role"
                      pendingText="Saving…"
                      label={`Change role of ${who}`}
                      className="inline-form"
                    >
                      <input type="hidden" name="memberId" value={member.id} />
                      <select name="role" aria-label={`Role of ${who}`} defaultValue={member.role}>
                        {access.roles.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    </ActionForm>
                    <ActionForm
                      action={removeMemberAction}
                      id={`remove-${member.id}`}
                      submit="Remove"
                      pendingText="Removing…"
                      label={`Remove ${who}`}
                    >
                      <input type="hidden" name="memberId" value={member.id} />
                    </ActionForm>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      {can({ invitation: ["create"] }) ? (
        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invitations</h2>
          <ActionForm
            action={inviteAction}
            id="invite"
            submit="Send invitation"
            pendingText="Sending…"
            buttonClassName="primary"
          >
            <Field label="Email to invite" name="email" type="email" required autoComplete="off" />
            <div className="field">
              <label htmlFor="invite-role">Role</label>
              <select id="invite-role" name="role" defaultValue="member">
                {INVITABLE.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
            </div>
          </ActionForm>
          {devMailboxEnabled() ? (
            <p className="hint">
              The link goes by mail: see the <Link href="/dev/mailbox">dev mailbox</Link>.
            </p>
          ) : null}
          {invitations.length === 0 ? (
            <p>No pending invitations.</p>
          ) : (
            <ul className="list" aria-label="Pending invitations">
              {invitations.map((invitation) => (
                <li key={invitation.id}>
                  <p>
                    {invitation.email} <span className="badge">{invitation.role}</span>
                    <br />
                    <span className="hint">
                      expires{" "}
                      <time dateTime={invitation.expiresAt.toISOString()}>{invitation.expiresAt.toUTCString()}</time>
                    </span>
                  </p>
                  <ActionForm
                    action={revokeInvitationAction}
                    id={`revoke-${invitation.id}`}
                    submit="Revoke"
                    pendingText="Revoking…"
                    label={`Revoke the invitation of ${invitation.email}`}
                  >
                    <input type="hidden" name="id" value={invitation.id} />
                  </ActionForm>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <section className="card" aria-labelledby="leave-title">
        <h2 id="leave-title">Leave</h2>
        <ActionForm action={leaveAction} id="leave" submit={`Leave ${name}`} pendingText="Leaving…" />
      </section>

      {can({ organization: ["delete"] }) ? (
        <section className="card danger" aria-labelledby="delete-organization-title">
          <h2 id="delete-organization-title">Delete the organization</h2>
          <p>Its members, invitations and projects are deleted with it. You may be asked to sign in again first.</p>
          <ActionForm
            action={deleteOrganizationAction}
            id="delete-organization"
            submit="Delete organization"
            pendingText="Deleting…"
            buttonClassName="danger"
          >
            <label className="check">
              <input type="checkbox" name="confirm" required /> I understand that {name} is deleted for good
            </label>
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}

"use server";

import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import {
  access,
  deleteOrganization,
  inviteMember,
  leaveOrganization,
  removeMember,
  requireMember,
  revokeInvitation,
  updateMemberRole,
} from "@/auth";
import { db, projects } from "@/db";
import { type FormState, failure, keep } from "@/lib/form-state";

// Every action asks requireMember() again, with the permission it needs: the role is read with the
// session on this request, so a member demoted or removed a moment ago is refused now, whatever
// the page they submitted from still shows.

/** Adds a project to the active organization (`project: ["create"]`: every role here). */
export async function createProjectAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId, user } = await requireMember(undefined, { permission: { project: ["create"] } });
    const name = String(formData.get("name") ?? "").trim();
    if (!name || name.length > 100) {
      const message = "must be 1 to 100 characters";
      return { error: { code: "VALIDATION_FAILED", message: `Name ${message}.` }, fields: { name: message } };
    }
    await db.insert(projects).values({ organizationId, name, createdBy: user.id });
  } catch (error) {
    return failure(error, keep(formData, "name")); // NO_ACTIVE_ORGANIZATION, NOT_A_MEMBER, FORBIDDEN
  }
  revalidatePath("/org");
  return { ok: "Project added." };
}

/** Deletes a project (`project: ["delete"]`: admins and owners); the organization condition scopes the id. */
export async function deleteProjectAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember(undefined, { permission: { project: ["delete"] } });
    const id = String(formData.get("id") ?? "");
    await db.delete(projects).where(and(eq(projects.id, id), eq(projects.organizationId, organizationId)));
  } catch (error) {
    return failure(error); // FORBIDDEN: "Your role in this organization does not allow this."
  }
  revalidatePath("/org");
  return { ok: "Project deleted." };
}

/** Invites an address with a role; the package mails the link (the dev mailbox here). */
export async function inviteAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember();
    const role = String(formData.get("role") ?? "");
    if (!access.isRole(role)) return { error: { code: "VALIDATION_FAILED", message: "Choose a role." } };
    const invitation = await inviteMember({ organizationId, email: String(formData.get("email") ?? ""), role });
    revalidatePath("/org");
    return { ok: `Invitation sent to ${invitation.email}.` };
  } catch (error) {
    // FORBIDDEN, CONFLICT (already a member), RATE_LIMITED, VALIDATION_FAILED (the address).
    return failure(error, keep(formData, "email"));
  }
}

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitationAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    await requireMember();
    await revokeInvitation(String(formData.get("id") ?? ""));
  } catch (error) {
    return failure(error);
  }
  revalidatePath("/org");
  return { ok: "Invitation revoked." };
}

/** Gives a member another role; the package refuses demoting the last owner (LAST_OWNER). */
export async function changeRoleAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember();
    const role = String(formData.get("role") ?? "");
    if (!access.isRole(role)) return { error: { code: "VALIDATION_FAILED", message: "Choose a role." } };
    const member = await updateMemberRole(organizationId, String(formData.get("memberId") ?? ""), role);
    revalidatePath("/org");
    return { ok: `${member.user.name ?? member.user.email} is now ${member.role}.` };
  } catch (error) {
    return failure(error); // FORBIDDEN, LAST_OWNER, NOT_A_MEMBER
  }
}

/** Removes a member: their very next request no longer sees the organization. */
export async function removeMemberAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember();
    await removeMember(organizationId, String(formData.get("memberId") ?? ""));
  } catch (error) {
    return failure(error); // FORBIDDEN, LAST_OWNER
  }
  revalidatePath("/org");
  return { ok: "Member removed." };
}

/** The caller leaves the active organization (not as its last owner: LAST_OWNER). */
export async function leaveAction(_state: FormState, _formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember();
    await leaveOrganization(organizationId);
  } catch (error) {
    return failure(error);
  }
  redirect("/organizations");
}

/** Deletes the organization with its members, invitations and projects: owners, from a fresh sign-in. */
export async function deleteOrganizationAction(_state: FormState, formData: FormData): Promise<FormState> {
  try {
    const { organizationId } = await requireMember();
    if (formData.get("confirm") !== "on") {
      return { error: { code: "CONFIRM_DELETE", message: "Tick the box to confirm." } };
    }
    await deleteOrganization(organizationId);
  } catch (error) {
    return failure(error); // FORBIDDEN, STALE_SESSION (sign in again first)
  }
  redirect("/organizations");
}

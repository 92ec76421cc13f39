"use server";

import { redirect } from "next/navigation";
import { acceptInvitation, createOrganization, declineInvitation, requireUser, setActiveOrganization } from "@/auth";
import { type FormState, failure, keep } from "@/lib/form-state";

/** Creates an organization (the caller becomes its owner), makes it the active one and opens it. */
export async function createOrganizationAction(_state: FormState, formData: FormData): Promise<FormState> {
  await requireUser();
  try {
    const organization = await createOrganization({ name: String(formData.get("name") ?? "") });
    await setActiveOrganization(organization.id);
  } catch (error) {
    return failure(error, keep(formData, "name")); // VALIDATION_FAILED (the name), CONFLICT
  }
  redirect("/org");
}

/** The header's switcher: makes the chosen organization active (membership checked) and opens it. */
export async function switchOrganizationAction(formData: FormData): Promise<void> {
  await requireUser();
  const id = String(formData.get("organizationId") ?? "");
  if (!id || id === "all") redirect("/organizations");
  try {
    await setActiveOrganization(id);
  } catch {
    // NOT_A_MEMBER: removed meanwhile, or an id that was never theirs.
    redirect("/organizations?notice=not-a-member");
  }
  redirect("/org");
}

/** Accepts an invitation to the signed-in user's verified address, shown on /organizations. */
export async function acceptInvitationAction(_state: FormState, formData: FormData): Promise<FormState> {
  await requireUser();
  try {
    await acceptInvitation({ invitationId: String(formData.get("invitationId") ?? "") });
  } catch (error) {
    return failure(error); // TOKEN_INVALID, TOKEN_EXPIRED, FORBIDDEN, EMAIL_NOT_VERIFIED
  }
  redirect("/org"); // acceptInvitation made it the session's active organization
}

/** Declines it: the invitation ends, nobody joins. */
export async function declineInvitationAction(_state: FormState, formData: FormData): Promise<FormState> {
  await requireUser();
  try {
    await declineInvitation({ invitationId: String(formData.get("invitationId") ?? "") });
  } catch (error) {
    return failure(error);
  }
  redirect("/organizations");
}

"use client";

import { switchOrganizationAction } from "@/app/(app)/organizations/actions";

/**
 * The header's organization switcher: choosing one makes it the session's active organization
 * (one UPDATE checked for membership) and opens its page. The last option opens the list.
 */
export function OrganizationSwitcher({
  organizations,
  activeId,
}: {
  organizations: { id: string; name: string }[];
  activeId: string | null;
}) {
  return (
    <form action={switchOrganizationAction} className="switcher">
      <select
        name="organizationId"
        aria-label="Organization"
        defaultValue={activeId ?? ""}
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
      >
        {activeId ? null : <option value="">Choose an organization</option>}
        {organizations.map((organization) => (
          <option key={organization.id} value={organization.id}>
            {organization.name}
          </option>
        ))}
        <option value="all">All organizations…</option>
      </select>
      <button type="submit" className="sr-only">
        Switch organization
      </button>
    </form>
  );
}

import { SubmitButton } from "@/components/form-parts";
import { switchOrganizationAction } from "./actions";

/** Makes the organization the active one and opens its page (the switcher's action). */
export function OpenOrganizationButton({ id, name }: { id: string; name: string }) {
  return (
    <form action={switchOrganizationAction}>
      <input type="hidden" name="organizationId" value={id} />
      <SubmitButton pendingText="Opening…" aria-label={`Open ${name}`}>
        Open
      </SubmitButton>
    </form>
  );
}

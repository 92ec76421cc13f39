import { SiteHeader } from "@/components/site-header";

/** The header when the slot has no page for a URL (a full page load Next.js cannot match). */
export default function DefaultHeaderSlot() {
  return <SiteHeader />;
}

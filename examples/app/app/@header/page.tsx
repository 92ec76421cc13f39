import { SiteHeader } from "@/components/site-header";

/** The header of `/` (an optional catch-all cannot sit beside the root page). */
export default function HomeHeaderSlot() {
  return <SiteHeader />;
}

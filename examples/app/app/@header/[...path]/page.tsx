import { SiteHeader } from "@/components/site-header";

/** The header for every URL but `/` (see components/site-header.tsx for why it is a slot). */
export default function HeaderSlot() {
  return <SiteHeader />;
}

import type { Signing } from "./r2-client.js";

/**
 * @internal The object metadata key the owner is bound under (`x-amz-meta-owner`): signed into
 * every upload URL, so verification can tell whose bytes an object holds.
 */
export const OWNER_METADATA = "owner";

/** @internal What a URL signed now is signed with, and when it stops working. */
export interface SigningWindow {
  signing: Signing;
  expiresAt: Date;
}

/** @internal The signing date and expiry of URLs signed now that live `expiresInSeconds`. */
export function signingWindow(expiresInSeconds: number): SigningWindow {
  // SigV4 dates have whole seconds, so the URL expires counting from the start of this second.
  const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    signing: { signingDate, expiresInSeconds },
    expiresAt: new Date(signingDate.getTime() + expiresInSeconds * 1000),
  };
}

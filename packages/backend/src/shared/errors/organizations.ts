import { TetrastackError } from "./base.js";

// The errors of organizations (`/auth`): membership, the active organization, the last owner.

/**
 * The caller is not a member of this organization, or it does not exist (deliberately not told
 * apart, so ids cannot be probed). Also what a removed member's next request gets.
 *
 * @example
 * if (isTetrastackError(e, "NOT_A_MEMBER")) redirect("/organizations")
 */
export class NotAMemberError extends TetrastackError<"NOT_A_MEMBER"> {
  readonly code = "NOT_A_MEMBER";
  readonly status = 403;
}

/**
 * `requireMember()` was called without an organization id, and the session has no active
 * organization (none was set, or it was deleted, or the caller was removed from it): let the
 * user pick one (`setActiveOrganization`).
 */
export class NoActiveOrganizationError extends TetrastackError<"NO_ACTIVE_ORGANIZATION"> {
  readonly code = "NO_ACTIVE_ORGANIZATION";
  readonly status = 403;
}

/**
 * The change would leave the organization without an owner: the last owner cannot leave, be
 * removed or be demoted (make another member an owner first, or delete the organization).
 */
export class LastOwnerError extends TetrastackError<"LAST_OWNER"> {
  readonly code = "LAST_OWNER";
  readonly status = 409;
}

/** @internal The codes of this file and their classes. */
export interface OrganizationErrorClasses {
  NOT_A_MEMBER: NotAMemberError;
  NO_ACTIVE_ORGANIZATION: NoActiveOrganizationError;
  LAST_OWNER: LastOwnerError;
}

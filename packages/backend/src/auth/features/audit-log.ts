import * as z from "zod";
import { parseInput } from "../../shared/validate.js";
import type { AuditPage } from "../audit/log.js";
import type { AuthContext } from "../context.js";

/** Options of `listAuditEvents`. */
export interface ListAuditEventsOptions {
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Page size, 1 to 100.
   * @default 50
   */
  limit?: number;
}

/** What `createAuth` adds for the audit log. */
export interface AuditLogMethods {
  /**
   * The audit events of one account (`{ userId }`: its sign-ins, failed sign-ins, password and
   * email changes, revoked sessions, and what was done to its memberships) or of one
   * organization (`{ organizationId }`), newest first, a page at a time (a keyset cursor, so
   * events added meanwhile never shift a page). It checks nobody: call it after `requireUser()`
   * for the user's own events, or `requireMember(id, { permission: { audit: ["read"] } })`.
   * `ValidationError` (a cursor it did not make).
   */
  listAuditEvents(
    filter: { userId: string } | { organizationId: string },
    options?: ListAuditEventsOptions,
  ): Promise<AuditPage>;
}

const filterSchema = z.union(
  [
    z.strictObject({ userId: z.string().min(1).max(255) }),
    z.strictObject({ organizationId: z.string().min(1).max(255) }),
  ],
  { error: "must be { userId } or { organizationId }" },
);
const optionsSchema = z.object(
  { cursor: z.string().max(200).optional(), limit: z.int().min(1).max(100).default(50) },
  { error: "must be an object" },
);

/** @internal Reading the audit log (it is written by every flow, through `ctx.audit`). */
export function auditLog(ctx: AuthContext): AuditLogMethods {
  return {
    async listAuditEvents(filter, options) {
      const who = parseInput(filterSchema, filter, "listAuditEvents");
      const { cursor, limit } = parseInput(optionsSchema, options ?? {}, "listAuditEvents");
      return ctx.audit.list(who, { cursor, limit });
    },
  };
}

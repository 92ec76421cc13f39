import { and, Column, desc, eq, inArray, is, lt, or, type SQL, sql } from "drizzle-orm";
import * as z from "zod";
import {
  type AnyDatabase,
  type Dialect,
  insertWhere,
  type QueryDatabase,
  type RowSource,
  type Statement,
  whenExists,
} from "../../database/dialect.js";
import type { AuditDetails } from "../../database/tables.js";
import { deleteInBatches } from "../../shared/batches.js";
import { decodeCursor, encodeCursor } from "../../shared/cursor.js";
import { uuidv7 } from "../../utils/uuidv7.js";
import { currentRequestMeta, storableIP } from "../request/scope.js";
import type { AuthTables } from "../tables.js";

/**
 * What an audit event records. The package's own actions, and any of yours (or of a capability
 * added later, such as API keys: `"api_key.created"`), as `"<thing>.<what happened>"`.
 */
export type AuditAction =
  | "user.signed_in"
  | "user.sign_in_failed"
  | "user.locked_out"
  | "user.password_changed"
  | "user.password_reset"
  | "user.email_changed"
  | "user.deleted"
  | "session.revoked"
  | "organization.created"
  | "organization.updated"
  | "organization.deleted"
  | "member.removed"
  | "member.left"
  | "member.role_changed"
  | "invitation.created"
  | "invitation.resent"
  | "invitation.accepted"
  | "invitation.declined"
  | "invitation.revoked"
  | "api_key.created"
  | "api_key.revoked"
  | (string & {});

/** One event of the audit log, as `listAuditEvents` returns it. */
export interface AuditEvent {
  id: string;
  action: AuditAction;
  /** Who acted: a user id, or null (nobody signed in, or the system). */
  actorId: string | null;
  /** The account the event concerns, if any. */
  userId: string | null;
  /** The organization the event concerns, if any. */
  organizationId: string | null;
  /** What the action was done to: `{ type: "member", id }`, `{ type: "session", id }`… */
  target: { type: string; id: string | null } | null;
  /** The client address, when it was known and an IP. */
  ipAddress: string | null;
  userAgent: string | null;
  /** Small JSON details (the roles of a role change, a count…). Never secrets. */
  details: AuditDetails | null;
  createdAt: Date;
}

/** One page of {@link AuditEvent}s, newest first. */
export interface AuditPage {
  items: AuditEvent[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** @internal An event to record, before it has an id and a time. */
export interface AuditEventInput {
  action: AuditAction;
  actorId?: string | null | undefined;
  /** An id, or (for `guard`) a column of the guard's source row. */
  userId?: string | Column | null | undefined;
  organizationId?: string | null | undefined;
  target?: { type: string; id?: string | null | undefined } | null | undefined;
  details?: AuditDetails | null | undefined;
  /**
   * The request the change came in (its address and user agent): a flow's caller. Omitted: the
   * request Auth.js is handling, if any.
   */
  request?: { ip: string | null; userAgent: string | null } | null | undefined;
}

/** @internal What `guard` returns: the statement, and the condition the guarded change carries. */
export interface AuditGuard {
  /** `INSERT INTO audit_events … SELECT … WHERE <precondition>` (returns the id when it inserted). */
  statement: Statement;
  /** `EXISTS (the row above)`: put it in the WHERE of each statement that makes the change. */
  recorded: SQL;
  /** The row above, as the source of an `INSERT … SELECT` that must happen with the change. */
  source: RowSource;
}

/**
 * @internal The audit log, a building block every feature (and capabilities built later, such as
 * API keys) writes through. An event is written in the same batch (one transaction) as the change
 * it records, never after it: `insert` for a change that happens unconditionally, `guard` for one
 * that must happen only when its precondition holds, checked in the database.
 */
export interface AuditLog {
  /** The statement that records `event`, for the batch of the change. */
  insert(q: AnyDatabase, event: AuditEventInput): Statement;
  /**
   * Records `event` only if `where` selects a row of `from`, in one statement, and returns the
   * condition the change itself must carry. So the precondition is checked once, in the database,
   * and the event and the change happen together or not at all: run both in one batch, the guard
   * first. Whether it happened: the guard's result (a one-row array when it did).
   *
   * @example
   * const guard = ctx.audit.guard(q, event, { from: tables.members, where: and(eq(…), lastOwnerKept) })
   * return [guard.statement, q.update(tables.members).set({ role }).where(and(eq(tables.members.id, id), guard.recorded))]
   */
  guard(q: AnyDatabase, event: AuditEventInput, from: RowSource): AuditGuard;
  /** Records `event` on its own, for an event that is the only write (a refused sign-in). */
  record(event: AuditEventInput): Promise<void>;
  /** One page of the events of a user or an organization, newest first. */
  list(filter: AuditFilter, options: { cursor?: string | undefined; limit: number }): Promise<AuditPage>;
  /** Deletes events older than the retention; returns how many. */
  prune(): Promise<number>;
}

/** @internal Whose events to list. */
export type AuditFilter = { userId: string } | { organizationId: string };

/** Longest `details` kept as given, in characters of JSON: an audit row stays small. */
const MAX_DETAILS_LENGTH = 2048;

/** The audit log's retention. Every event is recorded; there is no switch to turn the log off. */
export interface AuditOptions {
  /**
   * Seconds an event is kept; `prune()` deletes older ones. `0` keeps every event.
   * @default 15552000 (180 days)
   */
  retention?: number;
}

/** @internal Validation of {@link AuditOptions}. */
export const auditOptionsSchema = z
  .strictObject({
    retention: z
      .number()
      .int()
      .min(0)
      .max(100 * 365 * 86400)
      .default(180 * 86400),
  })
  .prefault({});

/** @internal {@link AuditOptions} with every default filled in. */
export type AuditSettings = z.output<typeof auditOptionsSchema>;

/** @internal */
export function createAuditLog(
  db: QueryDatabase,
  table: AuthTables["auditEvents"],
  dialect: Dialect,
  settings: { retention: number; now: () => number },
): AuditLog {
  const id = (value: string | null | undefined): string | null => (value && dialect.canBeId(value) ? value : null);

  /** The row of an event: a new id, the time, the request's address and agent. */
  function row(event: AuditEventInput): AuditEvents {
    const request = event.request ?? currentRequestMeta() ?? null;
    let details = event.details ?? null;
    if (details && JSON.stringify(details).length > MAX_DETAILS_LENGTH) details = { truncated: true };
    return {
      id: uuidv7(),
      action: event.action,
      actorId: id(event.actorId),
      userId: (is(event.userId, Column) ? sql`${event.userId}` : id(event.userId as string | null)) as string | null,
      organizationId: id(event.organizationId),
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      ipAddress: storableIP(request?.ip),
      userAgent: request?.userAgent?.slice(0, 512) ?? null,
      details,
      createdAt: new Date(settings.now()),
    };
  }

  const toEvent = (r: AuditEvents): AuditEvent => ({
    id: r.id,
    action: r.action,
    actorId: r.actorId,
    userId: r.userId,
    organizationId: r.organizationId,
    target: r.targetType ? { type: r.targetType, id: r.targetId } : null,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
    details: r.details,
    createdAt: r.createdAt,
  });

  return {
    insert(q, event) {
      return q.insert(table).values(row(event));
    },

    guard(q, event, from) {
      const values = row(event);
      const statement = (insertWhere(q, dialect, table, values, from) as AnyDatabase).returning({ id: table.id });
      const source: RowSource = { table, where: eq(table.id, values.id) };
      return { statement, source, recorded: whenExists(source) };
    },

    async record(event) {
      await db.insert(table).values(row(event));
    },

    async list(filter, options) {
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, "listAuditEvents");
      const [column, value] =
        "userId" in filter ? [table.userId, filter.userId] : [table.organizationId, filter.organizationId];
      if (!dialect.canBeId(value) || (after && !dialect.canBeId(after.id))) return { items: [], nextCursor: null };
      const rows = (await db
        .select()
        .from(table)
        .where(
          and(
            eq(column, value),
            after
              ? or(
                  lt(table.createdAt, after.createdAt),
                  and(eq(table.createdAt, after.createdAt), lt(table.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(table.createdAt), desc(table.id))
        // One row more than the page: whether it exists says whether there is a next page.
        .limit(options.limit + 1)) as AuditEvents[];
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      return {
        items: page.map(toEvent),
        nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
      };
    },

    prune() {
      if (settings.retention <= 0) return Promise.resolve(0);
      const before = new Date(settings.now() - settings.retention * 1000);
      return deleteInBatches(async (limit) => {
        const old = db.select({ id: table.id }).from(table).where(lt(table.createdAt, before)).limit(limit);
        return dialect.affectedRows(await db.delete(table).where(inArray(table.id, old)));
      });
    },
  };
}

type AuditEvents = AuthTables["auditEvents"]["$inferSelect"];

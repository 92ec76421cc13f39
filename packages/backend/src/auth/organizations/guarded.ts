import type { AnyDatabase, Statement } from "../../database/dialect.js";
import type { AuditGuard } from "../audit/log.js";
import type { AuthContext } from "../context.js";

/** @internal What a guarded change is made of: the audit guard, then the statements of the change. */
export interface GuardedChange {
  guard: AuditGuard;
  /** Each carries `guard.recorded` (or selects from `guard.source`), so it happens only with the event. */
  changes: Statement[];
}

/** @internal How a guarded change ended. */
export interface GuardedResult {
  /** The precondition held: the event and the change were written, together. */
  done: boolean;
  /** The results of `changes`, in order. */
  results: unknown[];
}

/**
 * @internal Runs a change of an organization as one batch (one transaction): the organization's
 * row lock on PostgreSQL (`OrganizationStore.lock`), the audit guard, whose `INSERT … SELECT`
 * checks the precondition (the actor's role, another owner left…) in the database, then the
 * change, every statement of which requires the guard's row. So however many requests race, each
 * precondition is checked against the state the previous change left, and a change is never
 * made without its event, nor an event written for a change that was not made.
 */
export async function runGuarded(
  ctx: AuthContext,
  organizationId: string | null,
  build: (q: AnyDatabase) => GuardedChange | Promise<GuardedChange>,
): Promise<GuardedResult> {
  let offset = 0;
  const results = await ctx.dialect.batch(ctx.db, async (q) => {
    const lock = organizationId ? ctx.organizations.lock(q, organizationId) : [];
    offset = lock.length;
    const { guard, changes } = await build(q);
    return [...lock, guard.statement, ...changes];
  });
  const inserted = results[offset] as unknown[] | undefined;
  return { done: Array.isArray(inserted) && inserted.length > 0, results: results.slice(offset + 1) };
}

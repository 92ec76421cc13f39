import { and, type Column, desc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { dialectOf, type QueryDatabase } from "../database/dialect.js";
import { classifyConstraintError } from "../database/errors.js";
import { uploads as postgresUploads } from "../database/postgres/tables.js";
import { type UploadStatus, uploads } from "../database/tables.js";
import type { PagePosition } from "../shared/cursor.js";
import { ConfigError, UploadError, ValidationError } from "../shared/errors.js";
import type {
  OrganizationAccess,
  ResolvedUploadPolicy,
  UploadAction,
  UploadsDatabase,
  UploadsTable,
} from "./options.js";
import type { CreateUploadData } from "./schemas.js";
import type { UploadRecord, UploadRef } from "./types.js";

/** @internal A row of the uploads table (the same value types on both dialects). */
export type UploadRow = (typeof uploads)["$inferSelect"];

export type { PagePosition };

/**
 * @internal Every read and write of the uploads table. The conditional updates are how two
 * completions, or a completion and a delete, of one upload are kept from both winning: each
 * changes the row only from the state it saw, and says whether it did.
 */
export interface UploadRecords {
  /** The record callers see for a row. */
  toRecord(row: UploadRow): UploadRecord;
  /**
   * Records a pending upload; an `ownerId` that is no user (or an `organizationId` that is no
   * organization) is a ValidationError.
   */
  insertPending(input: CreateUploadData, policy: Readonly<ResolvedUploadPolicy>, key: string): Promise<UploadRow>;
  /**
   * Refuses `userId` doing `action` for `organizationId` unless `organizationAccess` allows it
   * (UPLOAD_FORBIDDEN); ConfigError without `organizationAccess`.
   */
  authorize(userId: string, organizationId: string, action: UploadAction): Promise<void>;
  /**
   * The upload at `key`: UPLOAD_NOT_FOUND if none. With `ownerId` (the signed-in user): a user's
   * upload must be theirs; an organization's must be allowed to them for `action` (and, for
   * `"create"`, which finishes an upload, be theirs as well); else UPLOAD_FORBIDDEN.
   */
  findOwned(key: string, ownerId: string | undefined, action: UploadAction): Promise<UploadRow>;
  /** As {@link findOwned} for `"create"`, and still pending (else UPLOAD_NOT_FOUND). */
  findPending(ref: UploadRef): Promise<UploadRow>;
  /** The row as it is now, or undefined if it is gone. */
  reread(row: UploadRow): Promise<UploadRow | undefined>;
  /** Sets the status (and the ETag, when given) whatever the row's state. */
  setStatus(row: UploadRow, status: UploadStatus, etag?: string | null): Promise<UploadRow>;
  /**
   * Claims a pending record for the object with this ETag; false if another completion claimed
   * it for other bytes, or it is no longer pending. A retry with the same bytes takes its own
   * earlier claim over.
   */
  claim(row: UploadRow, etag: string): Promise<boolean>;
  /** Marks the record uploaded if it is still pending and claimed for `etag`; undefined if not. */
  finishClaim(row: UploadRow, etag: string): Promise<UploadRow | undefined>;
  /** Marks a pending record uploaded with the object's ETag; undefined if it was no longer pending. */
  markUploaded(row: UploadRow, etag: string | null): Promise<UploadRow | undefined>;
  /** Marks the record deleted if it is still pending; false if another call settled it first. */
  deleteIfPending(row: UploadRow): Promise<boolean>;
  /** Whether `value` can be an id of the table (a UUID on PostgreSQL, any text on libSQL). */
  canBeId(value: string): boolean;
  /**
   * One owner's rows (a user's own, or an organization's) in these statuses, newest first, from
   * after `after`, at most `limit`.
   */
  page(
    owner: { ownerId: string } | { organizationId: string },
    statuses: UploadStatus[],
    after: PagePosition | undefined,
    limit: number,
  ): Promise<UploadRow[]>;
}

/** @internal The uploads table's reads and writes; `publicURL` fills in the records' `publicURL`. */
export function createRecords(
  database: UploadsDatabase,
  given: UploadsTable | undefined,
  publicURL: (key: string) => string | null,
  organizationAccess?: OrganizationAccess | undefined,
): UploadRecords {
  // Typed as the libSQL table: the PostgreSQL twin has the same property names and value types
  // (database/postgres/tables.ts), and the queries below are the same on both dialects.
  const db = database as QueryDatabase;
  const dialect = dialectOf(db);
  const table = (given ?? (dialect.name === "postgres" ? postgresUploads : uploads)) as typeof uploads;
  // A custom table from before organizations may lack the column: organizations' uploads then
  // refuse with a ConfigError, and a user's own uploads are every row of theirs.
  const organizationColumn = (table as { organizationId?: Column }).organizationId;
  const noSuchUser = (cause?: unknown): ValidationError =>
    new ValidationError("ownerId: no such user", { cause, issues: [{ path: "ownerId", message: "no such user" }] });
  const forbidden = (message: string): UploadError => new UploadError(message, { code: "UPLOAD_FORBIDDEN" });
  const organizationsOff = (): ConfigError =>
    new ConfigError(
      organizationColumn
        ? "An upload of an organization needs createUploads({ organizationAccess }), which decides who may act on it."
        : "An upload of an organization needs the organization_id column of the uploads table (migrate, or add it to your table).",
      {
        issues: [
          {
            path: organizationColumn ? "organizationAccess" : "table",
            message: "is needed for organizations' uploads",
          },
        ],
      },
    );
  async function authorize(userId: string, organizationId: string, action: UploadAction): Promise<void> {
    if (!organizationAccess || !organizationColumn) throw organizationsOff();
    if (!dialect.canBeId(userId) || !dialect.canBeId(organizationId)) {
      throw forbidden("This upload belongs to an organization you may not act for.");
    }
    if ((await organizationAccess({ userId, organizationId, action })) !== true) {
      throw forbidden("This upload belongs to an organization you may not act for.");
    }
  }
  const records: UploadRecords = {
    toRecord(row) {
      return {
        id: row.id,
        key: row.key,
        ownerId: row.ownerId,
        organizationId: row.organizationId ?? null,
        policy: row.policy,
        filename: row.filename,
        contentType: row.contentType,
        size: row.size,
        status: row.status,
        // A pending row may hold the ETag a completion in progress claimed; it is not verified yet.
        etag: row.status === "pending" ? null : row.etag,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        publicURL: publicURL(row.key),
      };
    },

    authorize,

    async insertPending(input, policy, key) {
      if (!dialect.canBeId(input.ownerId)) throw noSuchUser();
      const organizationId = input.organizationId ?? null;
      if (organizationId !== null && !dialect.canBeId(organizationId)) {
        throw new ValidationError("organizationId: no such organization", {
          issues: [{ path: "organizationId", message: "no such organization" }],
        });
      }
      try {
        const [row] = await db
          .insert(table)
          .values({
            ownerId: input.ownerId,
            key,
            policy: policy.name,
            filename: input.filename,
            contentType: input.contentType,
            size: input.size,
            status: "pending",
            ...(organizationId !== null && { organizationId }),
          })
          .returning();
        if (!row) throw new Error("INSERT … RETURNING returned no row");
        return row;
      } catch (error) {
        // The owner and the organization are the uploads table's foreign keys.
        if (classifyConstraintError(error)?.kind === "foreign-key") {
          if (organizationId === null) throw noSuchUser(error);
          throw new ValidationError("ownerId or organizationId: no such user or organization", {
            cause: error,
            issues: [
              { path: "ownerId", message: "no such user, or" },
              { path: "organizationId", message: "no such organization" },
            ],
          });
        }
        throw error;
      }
    },

    async findOwned(key, ownerId, action) {
      const [row] = await db.select().from(table).where(eq(table.key, key)).limit(1);
      if (!row) throw new UploadError("No upload with this key.", { code: "UPLOAD_NOT_FOUND" });
      if (ownerId === undefined) return row;
      const organizationId = row.organizationId ?? null;
      // Finishing an upload is its uploader's; everything else of a user's upload too.
      if ((organizationId === null || action === "create") && row.ownerId !== ownerId) {
        throw new UploadError("This upload belongs to another user.", { code: "UPLOAD_FORBIDDEN" });
      }
      if (organizationId !== null) await authorize(ownerId, organizationId, action);
      return row;
    },

    async findPending(ref) {
      const row = await records.findOwned(ref.key, ref.ownerId, "create");
      if (row.status !== "pending") {
        throw new UploadError(`This upload is already ${row.status}.`, { code: "UPLOAD_NOT_FOUND" });
      }
      return row;
    },

    async reread(row) {
      const [current] = await db.select().from(table).where(eq(table.id, row.id)).limit(1);
      return current;
    },

    async setStatus(row, status, etag) {
      const [updated] = await db
        .update(table)
        .set(etag === undefined ? { status } : { status, etag })
        .where(eq(table.id, row.id))
        .returning();
      return updated ?? { ...row, status };
    },

    async claim(row, etag) {
      const [claimed] = await db
        .update(table)
        .set({ etag })
        .where(and(eq(table.id, row.id), eq(table.status, "pending"), or(isNull(table.etag), eq(table.etag, etag))))
        .returning({ id: table.id });
      return claimed !== undefined;
    },

    async finishClaim(row, etag) {
      const [done] = await db
        .update(table)
        .set({ status: "uploaded" })
        .where(and(eq(table.id, row.id), eq(table.status, "pending"), eq(table.etag, etag)))
        .returning();
      return done;
    },

    async markUploaded(row, etag) {
      const [done] = await db
        .update(table)
        .set({ status: "uploaded", etag })
        .where(and(eq(table.id, row.id), eq(table.status, "pending")))
        .returning();
      return done;
    },

    async deleteIfPending(row) {
      const [marked] = await db
        .update(table)
        .set({ status: "deleted" })
        .where(and(eq(table.id, row.id), eq(table.status, "pending")))
        .returning({ id: table.id });
      return marked !== undefined;
    },

    canBeId: (value) => dialect.canBeId(value),

    async page(owner, statuses, after, limit) {
      const id = "ownerId" in owner ? owner.ownerId : owner.organizationId;
      if (!dialect.canBeId(id)) return [];
      if ("organizationId" in owner && !organizationColumn) throw organizationsOff();
      const whose =
        "ownerId" in owner
          ? and(eq(table.ownerId, owner.ownerId), organizationColumn ? isNull(organizationColumn) : undefined)
          : eq(organizationColumn as Column, owner.organizationId);
      return await db
        .select()
        .from(table)
        .where(
          and(
            whose,
            inArray(table.status, statuses),
            after
              ? or(
                  lt(table.createdAt, after.createdAt),
                  and(eq(table.createdAt, after.createdAt), lt(table.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(table.createdAt), desc(table.id))
        .limit(limit);
    },
  };
  return records;
}

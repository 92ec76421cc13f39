import {
  createTableRelationsHelpers,
  getTableColumns,
  type InferInsertModel,
  type InferSelectModel,
  relations,
  type Table,
} from "drizzle-orm";
import { getTableConfig as getPgTableConfig } from "drizzle-orm/pg-core";
import { getTableConfig as getSqliteTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as sqlite from "../tables.js";
import * as pg from "./tables.js";

// The PostgreSQL schema is a twin of the SQLite one: `/auth`, `/uploads` and the Auth.js adapter
// address columns by TypeScript property name, so the two must have exactly the same properties,
// with the same nullability and optionality, and the same SQL table, column and index names.

/** `true` for each property whose value may be null. */
type Nullability<T> = { [K in keyof T]-?: null extends T[K] ? true : false };
/** `true` for each property that may be left out of an insert. */
type Optionality<T> = { [K in keyof T]-?: undefined extends T[K] ? true : false };

/** What must match between twins: each property's nullability on select, optionality on insert. */
type Shape<T extends Table> = { select: Nullability<InferSelectModel<T>>; insert: Optionality<InferInsertModel<T>> };

type Twins = {
  users: [typeof pg.users, typeof sqlite.users];
  accounts: [typeof pg.accounts, typeof sqlite.accounts];
  sessions: [typeof pg.sessions, typeof sqlite.sessions];
  verificationTokens: [typeof pg.verificationTokens, typeof sqlite.verificationTokens];
  authenticators: [typeof pg.authenticators, typeof sqlite.authenticators];
  rateLimits: [typeof pg.rateLimits, typeof sqlite.rateLimits];
  uploads: [typeof pg.uploads, typeof sqlite.uploads];
  organizations: [typeof pg.organizations, typeof sqlite.organizations];
  members: [typeof pg.members, typeof sqlite.members];
  invitations: [typeof pg.invitations, typeof sqlite.invitations];
  auditEvents: [typeof pg.auditEvents, typeof sqlite.auditEvents];
  jwks: [typeof pg.jwks, typeof sqlite.jwks];
  refreshTokens: [typeof pg.refreshTokens, typeof sqlite.refreshTokens];
  apiKeys: [typeof pg.apiKeys, typeof sqlite.apiKeys];
};

const pairs = {
  users: [pg.users, sqlite.users],
  accounts: [pg.accounts, sqlite.accounts],
  sessions: [pg.sessions, sqlite.sessions],
  verificationTokens: [pg.verificationTokens, sqlite.verificationTokens],
  authenticators: [pg.authenticators, sqlite.authenticators],
  rateLimits: [pg.rateLimits, sqlite.rateLimits],
  uploads: [pg.uploads, sqlite.uploads],
  organizations: [pg.organizations, sqlite.organizations],
  members: [pg.members, sqlite.members],
  invitations: [pg.invitations, sqlite.invitations],
  auditEvents: [pg.auditEvents, sqlite.auditEvents],
  jwks: [pg.jwks, sqlite.jwks],
  refreshTokens: [pg.refreshTokens, sqlite.refreshTokens],
  apiKeys: [pg.apiKeys, sqlite.apiKeys],
} as const;

describe("the PostgreSQL schema", () => {
  it("has, table by table, the SQLite schema's property names, nullability and insert optionality (types)", () => {
    // toEqualTypeOf compares the key sets too: a property on one side only fails to compile.
    expectTypeOf<{ [K in keyof Twins]: Shape<Twins[K][0]> }>().toEqualTypeOf<{
      [K in keyof Twins]: Shape<Twins[K][1]>;
    }>();
    // The value types the code relies on: times are Dates, counters numbers, the flag a boolean.
    expectTypeOf<InferSelectModel<typeof pg.rateLimits>["resetAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<InferSelectModel<typeof pg.rateLimits>["lockedUntil"]>().toEqualTypeOf<Date | null>();
    expectTypeOf<InferSelectModel<typeof pg.sessions>["expires"]>().toEqualTypeOf<Date>();
    expectTypeOf<InferSelectModel<typeof pg.verificationTokens>["expires"]>().toEqualTypeOf<Date>();
    expectTypeOf<InferSelectModel<typeof pg.authenticators>["counter"]>().toEqualTypeOf<number>();
    expectTypeOf<InferSelectModel<typeof pg.authenticators>["credentialBackedUp"]>().toEqualTypeOf<boolean>();
    expectTypeOf<InferSelectModel<typeof pg.uploads>["status"]>().toEqualTypeOf<sqlite.UploadStatus>();
    expectTypeOf<InferSelectModel<typeof pg.uploads>["size"]>().toEqualTypeOf<number>();
    expectTypeOf<InferSelectModel<typeof pg.invitations>["status"]>().toEqualTypeOf<sqlite.InvitationStatus>();
    expectTypeOf<InferSelectModel<typeof pg.invitations>["expiresAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<InferSelectModel<typeof pg.organizations>["metadata"]>().toEqualTypeOf<
      InferSelectModel<typeof sqlite.organizations>["metadata"]
    >();
    expectTypeOf<InferSelectModel<typeof pg.auditEvents>["details"]>().toEqualTypeOf<
      InferSelectModel<typeof sqlite.auditEvents>["details"]
    >();
    expectTypeOf<InferSelectModel<typeof pg.apiKeys>["scopes"]>().toEqualTypeOf<string[]>();
    expectTypeOf<InferSelectModel<typeof sqlite.apiKeys>["scopes"]>().toEqualTypeOf<string[]>();
    expectTypeOf<InferSelectModel<typeof pg.refreshTokens>["usedAt"]>().toEqualTypeOf<Date | null>();
    expectTypeOf<InferSelectModel<typeof pg.jwks>["algorithm"]>().toEqualTypeOf<sqlite.SigningAlgorithm>();
    // The check can fail: two different tables do not pass it.
    // @ts-expect-error users and sessions have different columns
    expectTypeOf<Shape<typeof pg.users>>().toEqualTypeOf<Shape<typeof sqlite.sessions>>();
  });

  it.each(Object.entries(pairs))(
    "%s: same SQL names, nullability and defaults as on SQLite",
    (_, [pgTable, sqliteTable]) => {
      const describeColumns = (table: Table) =>
        Object.entries(getTableColumns(table)).map(([property, column]) => ({
          property,
          name: column.name,
          notNull: column.notNull,
          primary: column.primary,
          appDefault: column.defaultFn !== undefined,
          sqlDefault: column.default,
          onUpdate: column.onUpdateFn !== undefined,
        }));
      expect(describeColumns(pgTable)).toEqual(describeColumns(sqliteTable));
    },
  );

  it.each(Object.entries(pairs))("%s: same indexes and foreign keys as on SQLite", (_, [pgTable, sqliteTable]) => {
    const pgConfig = getPgTableConfig(pgTable);
    const sqliteConfig = getSqliteTableConfig(sqliteTable);
    expect(pgConfig.name).toBe(sqliteConfig.name);
    const indexes = (list: { config: { name?: string; unique: boolean } }[]) =>
      list.map((index) => `${index.config.name}${index.config.unique ? " unique" : ""}`).sort();
    expect(indexes(pgConfig.indexes)).toEqual(indexes(sqliteConfig.indexes));
    const foreignKeys = (list: { reference: () => { columns: { name: string }[] }; onDelete?: string }[]) =>
      list.map((fk) => `${fk.reference().columns.map((c) => c.name)} ${fk.onDelete}`).sort();
    expect(foreignKeys(pgConfig.foreignKeys)).toEqual(foreignKeys(sqliteConfig.foreignKeys));
    // Every foreign key column leads an index (lookups and cascades never scan).
    for (const fk of pgConfig.foreignKeys) {
      const column = fk.reference().columns[0]?.name;
      const led = pgConfig.indexes.some((index) => (index.config.columns[0] as { name?: string })?.name === column);
      expect({ table: pgConfig.name, column, indexed: led }).toEqual({ table: pgConfig.name, column, indexed: true });
    }
  });

  it("uses PostgreSQL's own types: uuid ids, timestamptz times, boolean, integer counters", () => {
    const type = (table: Table, property: string) => getTableColumns(table)[property]?.getSQLType();
    expect(type(pg.users, "id")).toBe("uuid");
    expect(type(pg.sessions, "id")).toBe("uuid");
    expect(type(pg.accounts, "userId")).toBe("uuid");
    expect(type(pg.verificationTokens, "userId")).toBe("uuid");
    expect(type(pg.users, "createdAt")).toBe("timestamp with time zone");
    expect(type(pg.rateLimits, "resetAt")).toBe("timestamp with time zone");
    expect(type(pg.rateLimits, "lockedUntil")).toBe("timestamp with time zone");
    expect(type(pg.sessions, "expires")).toBe("timestamp with time zone");
    expect(type(pg.verificationTokens, "expires")).toBe("timestamp with time zone");
    expect(type(pg.authenticators, "counter")).toBe("integer");
    expect(type(pg.authenticators, "credentialBackedUp")).toBe("boolean");
    expect(type(pg.uploads, "size")).toBe("bigint");
    expect(type(pg.members, "organizationId")).toBe("uuid");
    expect(type(pg.sessions, "activeOrganizationId")).toBe("uuid");
    expect(type(pg.organizations, "metadata")).toBe("jsonb");
    expect(type(pg.auditEvents, "details")).toBe("jsonb");
    expect(type(pg.auditEvents, "createdAt")).toBe("timestamp with time zone");
  });

  it("derives the relations' types on both dialects exactly as relations() written per table would", () => {
    // The relations are written once (model.ts) for both dialects' tables; a generic there once
    // widened table names to `string` and made every relation nullable. Compare with direct ones.
    type Config<T> = T extends { config: (...args: never[]) => infer C } ? C : never;
    for (const d of [pg, sqlite] as const) {
      const direct = {
        users: relations(d.users as typeof pg.users, ({ many }) => ({
          accounts: many(pg.accounts),
          sessions: many(pg.sessions),
          authenticators: many(pg.authenticators),
          uploads: many(pg.uploads),
          verificationTokens: many(pg.verificationTokens),
          members: many(pg.members),
        })),
        sessions: relations(pg.sessions, ({ one }) => ({
          user: one(pg.users, { fields: [pg.sessions.userId], references: [pg.users.id] }),
          activeOrganization: one(pg.organizations, {
            fields: [pg.sessions.activeOrganizationId],
            references: [pg.organizations.id],
          }),
        })),
        verificationTokens: relations(pg.verificationTokens, ({ one }) => ({
          user: one(pg.users, { fields: [pg.verificationTokens.userId], references: [pg.users.id] }),
        })),
      };
      expectTypeOf<Config<typeof d.usersRelations>>().toEqualTypeOf<Config<typeof direct.users>>();
      expectTypeOf<Config<typeof d.sessionsRelations>>().toEqualTypeOf<Config<typeof direct.sessions>>();
      expectTypeOf<Config<typeof d.verificationTokensRelations>>().toEqualTypeOf<
        Config<typeof direct.verificationTokens>
      >();
      const helpers = createTableRelationsHelpers(d.users);
      expect(Object.keys(d.usersRelations.config(helpers))).toEqual(Object.keys(direct.users.config(helpers)));
    }
  });
});

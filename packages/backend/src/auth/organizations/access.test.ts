import { describe, expect, expectTypeOf, it } from "vitest";
import { isTetrastackError } from "../../shared/errors.js";
import type { Auth } from "../create-auth.js";
import { type AccessControl, createAccessControl, type PermissionOf, type RoleOf } from "./access.js";

const access = createAccessControl({
  statements: { project: ["create", "delete"], billing: ["read"] },
  roles: {
    member: { project: ["create"] },
    admin: { project: ["create", "delete"] },
    accountant: { billing: ["read"], audit: ["read"] },
  },
});

describe("createAccessControl", () => {
  it("gives owners everything, admins the built-in management plus theirs, members only theirs", () => {
    expect(access.roles).toEqual(["owner", "admin", "member", "accountant"]);
    expect(access.can("owner", { project: ["delete"], billing: ["read"], organization: ["delete"] })).toBe(true);
    expect(access.can("admin", { member: ["update", "remove"], invitation: ["create"], project: ["delete"] })).toBe(
      true,
    );
    expect(access.can("admin", { organization: ["delete"] })).toBe(false);
    expect(access.can("member", { project: ["create"] })).toBe(true);
    expect(access.can("member", { project: ["delete"] })).toBe(false);
    expect(access.can("member", { invitation: ["create"] })).toBe(false);
    expect(access.can("accountant", { billing: ["read"], audit: ["read"] })).toBe(true);
    expect(access.can("accountant", { project: ["create"] })).toBe(false);
    // A role the configuration no longer has (a stored row from before) may do nothing.
    expect(access.can("gone", {})).toBe(false);
    expect(access.can(null, { project: ["create"] })).toBe(false);
    expect(access.rolesWith({ project: ["delete"] })).toEqual(["owner", "admin"]);
    expect(access.rolesWith({ organization: ["delete"] })).toEqual(["owner"]);
    expect(access.permissionsOf("member")).toEqual({ project: ["create"] });
    expect(access.isRole("accountant")).toBe(true);
    expect(access.isRole("owner ")).toBe(false);
  });

  it("refuses unknown statements and actions, built-in or owner redefinitions, and bad names, all at once", () => {
    let caught: unknown;
    try {
      createAccessControl({
        statements: { organization: ["x"], "Bad Name": ["a"], ok: ["read"] },
        roles: { owner: {}, viewer: { ok: ["write"], nothing: ["read"] } } as never,
      } as never);
    } catch (error) {
      caught = error;
    }
    expect(isTetrastackError(caught, "CONFIG_INVALID")).toBe(true);
    const paths = (caught as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(paths).toEqual([
      "statements.organization",
      "statements.Bad Name",
      "roles.owner",
      "roles.viewer.ok",
      "roles.viewer.nothing",
    ]);
  });

  it("checks roles and permissions statically (types)", () => {
    expectTypeOf<RoleOf<typeof access>>().toEqualTypeOf<"owner" | "admin" | "member" | "accountant">();
    expectTypeOf<PermissionOf<typeof access>["project"]>().toEqualTypeOf<
      readonly ("create" | "delete")[] | undefined
    >();
    // Refused at run time too (ConfigError), for JavaScript callers.
    expect(() =>
      createAccessControl({
        statements: { project: ["create"] },
        // @ts-expect-error "archive" is not an action of project
        roles: { member: { project: ["archive"] } },
      }),
    ).toThrow(/roles\.member\.project/);
    // @ts-expect-error owner cannot be redefined
    expect(() => createAccessControl({ roles: { owner: {} } })).toThrow(/roles\.owner/);
    // @ts-expect-error no such statement
    access.can("member", { invoices: ["read"] });

    // The organization methods are typed by the access control createAuth was given.
    type A = Auth<typeof access>;
    expectTypeOf<Parameters<A["updateMemberRole"]>[2]>().toEqualTypeOf<"owner" | "admin" | "member" | "accountant">();
    expectTypeOf<Parameters<A["inviteMember"]>[0]["role"]>().toEqualTypeOf<
      "owner" | "admin" | "member" | "accountant"
    >();
    const requireMember = null as unknown as A["requireMember"];
    const check = () => {
      void requireMember(undefined, { permission: { project: ["delete"] } });
      // @ts-expect-error "archive" is not an action of project
      void requireMember(undefined, { permission: { project: ["archive"] } });
      // @ts-expect-error "viewer" is not a role of this access control
      void (null as unknown as A["updateMemberRole"])("o", "m", "viewer");
    };
    void check;
    // Without organizations.access: the built-in roles and statements only.
    expectTypeOf<Parameters<Auth["updateMemberRole"]>[2]>().toEqualTypeOf<"owner" | "admin" | "member">();
    expectTypeOf<typeof access>().toExtend<AccessControl>();
  });
});

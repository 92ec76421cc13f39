import { ConfigError, type ErrorIssue } from "../../shared/errors.js";

// Roles and permissions of organizations, as better-auth's access control states them: a
// permission is an action on a resource (`project: ["create", "delete"]`), a role is the set of
// permissions it grants. Pure data and functions: usable in a client component too.

/** What the package itself checks, and which built-in role may do it (owners may do everything). */
export const BUILT_IN_STATEMENTS = {
  /** Rename the organization or change its metadata; delete it. */
  organization: ["update", "delete"],
  /** Change a member's role; remove a member. */
  member: ["update", "remove"],
  /** Invite by email (and re-send); revoke a pending invitation. */
  invitation: ["create", "revoke"],
  /** Read the organization's audit log. */
  audit: ["read"],
} as const;

/** The resources and actions the package checks. */
export type BuiltInStatements = typeof BUILT_IN_STATEMENTS;

/** The roles every organization has: `owner` may do everything and only owners make owners. */
export type BuiltInRole = "owner" | "admin" | "member";

/** Resources and their actions: `{ project: ["create", "delete"] }`. */
export type Statements = { readonly [resource: string]: readonly string[] };

/** Some actions on some resources of `S`: what a role grants, or what a check asks for. */
export type Permissions<S extends Statements> = { readonly [K in keyof S]?: readonly S[K][number][] };

/** The permissions the built-in `admin` role has before your additions; `member` has none. */
const ADMIN_PERMISSIONS = {
  organization: ["update"],
  member: ["update", "remove"],
  invitation: ["create", "revoke"],
  audit: ["read"],
} as const satisfies Permissions<BuiltInStatements>;

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const BRAND: unique symbol = Symbol.for("@tetrastack/backend/access-control") as never;

/**
 * Roles and permissions for `createAuth({ organizations: { access } })`, made by
 * {@link createAccessControl}. `S` are your statements, `R` your role names (besides the
 * built-in ones); both type the role and permission arguments of the organization methods.
 */
export interface AccessControl<S extends Statements = Statements, R extends string = string> {
  readonly [BRAND]: true;
  /** The built-in statements and yours. */
  readonly statements: BuiltInStatements & S;
  /** Every role name: `owner`, `admin`, `member`, then yours. */
  readonly roles: readonly (BuiltInRole | R)[];
  /** Whether `value` is one of {@link AccessControl.roles}. */
  isRole(value: unknown): value is BuiltInRole | R;
  /** What `role` may do (an unknown role: nothing). */
  permissionsOf(role: string): Permissions<BuiltInStatements & S>;
  /** Whether `role` has every action `permission` lists. An unknown role has none. */
  can(role: string | null | undefined, permission: Permissions<BuiltInStatements & S>): boolean;
  /** The roles that have every action of `permission` (for a check made in the database). */
  rolesWith(permission: Permissions<BuiltInStatements & S>): (BuiltInRole | R)[];
}

/** The access control when `organizations.access` is not given: the three built-in roles only. */
export type DefaultAccessControl = AccessControl<Record<never, never>, BuiltInRole>;

/** The role names of an access control. */
export type RoleOf<A extends AccessControl> = A["roles"][number];

/** The permissions an access control can check. */
export type PermissionOf<A extends AccessControl> = Permissions<A["statements"]>;

/** Options of {@link createAccessControl}. */
export interface AccessControlOptions<S extends Statements, R> {
  /**
   * Your resources and their actions, besides the built-in ones (`organization`, `member`,
   * `invitation`, `audit`, which you may not redefine). Names: lower case, up to 32 characters.
   * @default {}
   */
  statements?: S;
  /**
   * What each role may do. `admin` and `member` add to their built-in permissions (admin:
   * update the organization, manage members and invitations, read the audit log; member:
   * nothing); any other name is a role of yours with exactly what it lists. `owner` may do
   * everything and cannot be listed.
   * @default {}
   */
  roles?: R;
}

/**
 * Your roles and permissions for organizations, checked by TypeScript where they are used:
 * a role or an action that does not exist does not compile.
 *
 * @example
 * export const access = createAccessControl({
 *   statements: { project: ["create", "delete"] },
 *   roles: { member: { project: ["create"] }, admin: { project: ["create", "delete"] }, viewer: {} },
 * })
 */
export function createAccessControl<
  const S extends Statements = Record<never, never>,
  const R extends { readonly [role: string]: Permissions<BuiltInStatements & S> } & { readonly owner?: never } = Record<
    never,
    never
  >,
>(options: AccessControlOptions<S, R> = {}): AccessControl<S, BuiltInRole | Extract<keyof R, string>> {
  const statements = (options.statements ?? {}) as Statements;
  const roles = (options.roles ?? {}) as Record<string, Permissions<Statements>>;
  const issues = check(statements, roles);
  if (issues.length > 0) {
    const described = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ConfigError(`createAccessControl: invalid options: ${described}`, { issues });
  }
  const all: Statements = { ...BUILT_IN_STATEMENTS, ...statements };
  const granted = new Map<string, Map<string, Set<string>>>();
  const grant = (role: string, permissions: Permissions<Statements>): void => {
    const resources = granted.get(role) ?? new Map<string, Set<string>>();
    for (const [resource, actions] of Object.entries(permissions)) {
      const set = resources.get(resource) ?? new Set<string>();
      for (const action of actions ?? []) set.add(action);
      resources.set(resource, set);
    }
    granted.set(role, resources);
  };
  grant("owner", all);
  grant("admin", ADMIN_PERMISSIONS);
  grant("member", {});
  for (const [role, permissions] of Object.entries(roles)) grant(role, permissions);
  const names = [...granted.keys()];

  const can = (role: string | null | undefined, permission: Permissions<Statements>): boolean => {
    const resources = role ? granted.get(role) : undefined;
    if (!resources) return false;
    return Object.entries(permission).every(([resource, actions]) =>
      (actions ?? []).every((action) => resources.get(resource)?.has(action) === true),
    );
  };
  const access: AccessControl<Statements, string> = {
    [BRAND]: true,
    statements: all as BuiltInStatements & Statements,
    roles: names,
    isRole: (value): value is string => typeof value === "string" && granted.has(value),
    permissionsOf(role) {
      const resources = granted.get(role);
      const result: Record<string, string[]> = {};
      for (const [resource, actions] of resources ?? []) if (actions.size > 0) result[resource] = [...actions];
      return result;
    },
    can: (role, permission) => can(role, permission as Permissions<Statements>),
    rolesWith: (permission) => names.filter((role) => can(role, permission as Permissions<Statements>)),
  };
  return Object.freeze(access) as never;
}

/** Whether `value` was made by {@link createAccessControl} (any copy of the package). */
export function isAccessControl(value: unknown): value is AccessControl {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Every problem of the statements and roles, for one ConfigError. */
function check(statements: unknown, roles: unknown): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(statements)) return [{ path: "statements", message: "must be an object of resources and actions" }];
  if (!isObject(roles)) return [{ path: "roles", message: "must be an object of roles and their permissions" }];
  const all: Record<string, readonly string[]> = { ...BUILT_IN_STATEMENTS };
  for (const [resource, actions] of Object.entries(statements)) {
    const path = `statements.${resource}`;
    if (Object.hasOwn(BUILT_IN_STATEMENTS, resource)) issues.push({ path, message: "is built in" });
    else if (!NAME.test(resource)) issues.push({ path, message: "must be a lower-case name of up to 32 characters" });
    else if (!Array.isArray(actions) || actions.some((action) => typeof action !== "string" || !NAME.test(action))) {
      issues.push({ path, message: "must be a list of lower-case action names" });
    } else all[resource] = actions as string[];
  }
  for (const [role, permissions] of Object.entries(roles)) {
    const path = `roles.${role}`;
    if (role === "owner") {
      issues.push({ path, message: "owners may do everything; owner cannot be changed" });
      continue;
    }
    if (!NAME.test(role)) issues.push({ path, message: "must be a lower-case name of up to 32 characters" });
    if (!isObject(permissions)) {
      issues.push({ path, message: "must be an object of resources and actions" });
      continue;
    }
    for (const [resource, actions] of Object.entries(permissions)) {
      const known = all[resource];
      if (!known) issues.push({ path: `${path}.${resource}`, message: "is not a statement" });
      else if (!Array.isArray(actions) || actions.some((action) => !known.includes(action))) {
        issues.push({ path: `${path}.${resource}`, message: `must list actions of ${resource}: ${known.join(", ")}` });
      }
    }
  }
  return issues;
}

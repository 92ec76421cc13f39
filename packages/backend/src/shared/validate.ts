import type * as z from "zod";
import { ConfigError, type ErrorIssue, ValidationError } from "./errors.js";

/** @internal Zod issues as `{ path, message }`, the shape our errors carry. */
export function toIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

function describe(issues: readonly ErrorIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
}

/** @internal Validates factory options, throwing one ConfigError that names every problem. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, factory: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  throw new ConfigError(`${factory}: invalid options: ${describe(issues)}`, { issues });
}

/** @internal Validates caller input, throwing one ValidationError that names every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  throw new ValidationError(`${what}: ${describe(issues)}`, { issues });
}

/**
 * @internal Refuses a wrong-typed argument of a public function with a ValidationError that
 * names the function and the argument, never the value (it may be a secret or an attack).
 */
export function assertArgument(condition: unknown, fn: string, argument: string, expected: string): asserts condition {
  if (condition) return;
  const message = `must be ${expected}`;
  throw new ValidationError(`${fn}: ${argument}: ${message}`, { issues: [{ path: argument, message }] });
}

/** @internal A plain object (or undefined, for an optional options argument). */
export function isOptionalObject(value: unknown): boolean {
  return value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value));
}

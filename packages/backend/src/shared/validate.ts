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

import { UploadError } from "../shared/errors.js";
import type { ResolvedUploadPolicy, ResolvedUploadsOptions } from "./options.js";
import type { CreateUploadData } from "./schemas.js";

/** @internal The policies by name, as `createUploads` exposes them. */
export type UploadPolicies = Readonly<Record<string, Readonly<ResolvedUploadPolicy>>>;

/**
 * @internal The configured policies with their names and prefixes filled in, each frozen. A
 * prototype-less record, so a policy name such as `constructor` or `__proto__` finds nothing it
 * was not given.
 */
export function resolvePolicies(configured: ResolvedUploadsOptions["policies"]): UploadPolicies {
  const policies: Record<string, ResolvedUploadPolicy> = Object.create(null);
  for (const [name, policy] of Object.entries(configured)) {
    policies[name] = Object.freeze({
      name,
      contentTypes: Object.freeze([...policy.contentTypes]),
      maxBytes: policy.maxBytes,
      prefix: policy.prefix ?? name.toLowerCase(),
    });
  }
  return policies;
}

/** @internal The policy `input` names, once its content type and size are allowed there; else an UploadError. */
export function checkPolicy(policies: UploadPolicies, input: CreateUploadData): Readonly<ResolvedUploadPolicy> {
  const policy = Object.hasOwn(policies, input.policy) ? policies[input.policy] : undefined;
  // Messages name the configured policy and its limits, never what the caller sent.
  if (!policy) {
    throw new UploadError(`No such upload policy. Known: ${Object.keys(policies).join(", ")}.`, {
      code: "UPLOAD_POLICY_UNKNOWN",
    });
  }
  if (!policy.contentTypes.some((allowed) => contentTypeMatches(allowed, input.contentType))) {
    throw new UploadError(
      `This file type is not allowed for "${policy.name}" (allowed: ${policy.contentTypes.join(", ")}).`,
      { code: "UPLOAD_TYPE_NOT_ALLOWED" },
    );
  }
  if (input.size > policy.maxBytes) {
    throw new UploadError(`The file is too large: "${policy.name}" accepts at most ${policy.maxBytes} bytes.`, {
      code: "UPLOAD_TOO_LARGE",
    });
  }
  return policy;
}

function contentTypeMatches(allowed: string, contentType: string): boolean {
  return allowed.endsWith("/*") ? contentType.startsWith(allowed.slice(0, -1)) : allowed === contentType;
}

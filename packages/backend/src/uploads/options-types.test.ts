import { describe, expectTypeOf, it } from "vitest";
import type * as z from "zod";
import type { UploadsOptions, uploadsOptionsSchema } from "./options.js";

// Type-level checks, enforced by `tsc --noEmit` (which includes the tests); at run time they pass
// trivially. They tie the hand-written, documented UploadsOptions to what the schema accepts, so
// an option added to one and not the other fails the typecheck.

type SchemaInput = z.input<typeof uploadsOptionsSchema>;

/** Optional in UploadsOptions, required by the schema: `withEnvironment` fills them from `R2_*` first. */
type FromEnvironment = "accessKeyId" | "secretAccessKey" | "bucket";

describe("UploadsOptions and uploadsOptionsSchema", () => {
  it("have the same keys", () => {
    expectTypeOf<keyof UploadsOptions>().toEqualTypeOf<keyof SchemaInput>();
  });

  it("agree on every option's type, credentials and policies aside", () => {
    type Same = Exclude<keyof UploadsOptions, FromEnvironment | "policies">;
    expectTypeOf<Pick<UploadsOptions, Same>>().toEqualTypeOf<Pick<SchemaInput, Same>>();
  });

  it("agree on the credentials once the environment has filled them in", () => {
    expectTypeOf<Required<Pick<UploadsOptions, FromEnvironment>>>().toEqualTypeOf<Pick<SchemaInput, FromEnvironment>>();
  });

  it("accept the same policies, the interface also taking read-only content type lists", () => {
    type Policy = NonNullable<UploadsOptions["policies"]>[string];
    type SchemaPolicy = NonNullable<SchemaInput["policies"]>[string];
    expectTypeOf<keyof Policy>().toEqualTypeOf<keyof SchemaPolicy>();
    expectTypeOf<Omit<Policy, "contentTypes">>().toEqualTypeOf<Omit<SchemaPolicy, "contentTypes">>();
    expectTypeOf<Policy["contentTypes"]>().toEqualTypeOf<Readonly<SchemaPolicy["contentTypes"]>>();
    expectTypeOf<SchemaInput["policies"]>().toExtend<UploadsOptions["policies"]>();
  });
});

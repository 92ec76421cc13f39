import { exampleAppProjects } from "./examples/app/vitest.config";
import { backendProjects } from "./packages/backend/vitest.config";

// The single list of test projects. Vitest 4 no longer reads workspace files on its own:
// vitest.config.ts imports this list as its `projects`. The package has one project per database
// engine (see packages/backend/vitest.config.ts), and the example app one per engine of its
// journey (examples/app/vitest.config.ts); vitest does not nest projects, so they are listed here
// rather than through those config files. `test/fresh-app` packs the package and runs the
// README's quick start in a new create-next-app app (slow: one npm install and build).
export default [
  ...backendProjects("packages/backend"),
  ...exampleAppProjects("examples/app"),
  "examples/mobile-api",
  "test/fresh-app",
];

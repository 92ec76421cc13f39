// The single list of test projects. Vitest 4 no longer reads workspace files on its own:
// vitest.config.ts imports this list as its `projects`.
export default ["packages/backend", "examples/app", "examples/mobile-api"];

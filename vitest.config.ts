import { defineConfig } from "vitest/config";
import SummaryReporter from "./scripts/summary-reporter";
import projects from "./vitest.workspace";

export default defineConfig({
  test: {
    projects,
    reporters: ["default", new SummaryReporter()],
  },
});

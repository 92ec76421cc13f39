// Vitest setup file of every backend project (see vitest.config.ts).
import { afterAll, beforeEach, inject } from "vitest";
import { stopSharedServers } from "./engine.js";
import { stopPglite } from "./pglite.js";

declare module "vitest" {
  interface ProvidedContext {
    /** Tests that run on the file engine only, by full name, with the reason (vitest.config.ts). */
    fileEngineOnlyTests: Record<string, string>;
  }
}

const fileEngineOnly = inject("fileEngineOnlyTests") ?? {};

interface NamedTask {
  name: string;
  suite?: NamedTask;
  file: object & { name: string };
}

/** `file > describe > it`, as vitest.config.ts lists them (the file is the outermost suite). */
function fullName(task: NamedTask): string {
  const names: string[] = [];
  for (let current: NamedTask | undefined = task; current && current !== task.file; current = current.suite) {
    names.unshift(current.name);
  }
  return [task.file.name, ...names].join(" > ");
}

beforeEach((context) => {
  const reason = fileEngineOnly[fullName(context.task)];
  if (reason !== undefined) context.skip(`file engine only: ${reason}`);
});

// The engine servers this file started would not keep the process alive, but they hold
// database files open.
afterAll(stopSharedServers);
afterAll(stopPglite);

const WARNED = Symbol.for("@tetrastack/backend/auth/warned");

/**
 * @internal One warning per process and message, however many instances a dev server creates
 * (hot reloads re-run `createAuth`): the set lives on `globalThis`, under a `Symbol.for` key.
 */
export function warnOnce(warn: (message: string) => void, message: string): void {
  const global = globalThis as { [WARNED]?: Set<string> };
  global[WARNED] ??= new Set();
  if (global[WARNED].has(message)) return;
  global[WARNED].add(message);
  warn(message);
}

import { ConflictError } from "../shared/errors.js";

const UNIQUE = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)|SQLITE_CONSTRAINT_(?:UNIQUE|PRIMARYKEY)/;

/**
 * Converts a unique-constraint failure from libSQL (however Drizzle wrapped it) into a
 * {@link ConflictError} naming the table and columns; returns any other error unchanged.
 */
export function toConflictError(error: unknown): unknown {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : "";
    const code = (current as { code?: unknown }).code;
    const match = UNIQUE.exec(message) ?? (typeof code === "string" ? UNIQUE.exec(code) : null);
    if (match) {
      const target = parseTarget(match[1] ?? UNIQUE.exec(message)?.[1]);
      return new ConflictError(
        target
          ? `A ${target.table} row with that ${target.columns.join(" and ")} already exists.`
          : "That row already exists.",
        { cause: error, target },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

/**
 * Awaits a write, turning a unique-constraint failure into a {@link ConflictError}.
 *
 * @example
 * await catchConflict(db.insert(users).values({ email })) // ConflictError if the email is taken
 */
export async function catchConflict<T>(write: PromiseLike<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw toConflictError(error);
  }
}

function parseTarget(list: string | undefined): { table: string; columns: string[] } | undefined {
  if (!list) return undefined;
  const pairs = list.split(", ").map((item) => item.split("."));
  const table = pairs[0]?.[0];
  if (!table) return undefined;
  return { table, columns: pairs.map((pair) => pair[1] ?? pair[0] ?? "") };
}

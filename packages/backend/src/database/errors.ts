import { ConflictError } from "../shared/errors.js";

// "UNIQUE constraint failed: users.email" for columns, "...: index 'name'" for expression indexes.
const UNIQUE = /(?:UNIQUE|PRIMARY KEY) constraint failed: (index '(\w+)'|[\w.]+(?:, [\w.]+)*)/;

/** Expression indexes of this package, which SQLite reports by name only. */
const EXPRESSION_INDEXES: Record<string, { table: string; columns: string[] }> = {
  users_email_lower_unique: { table: "users", columns: ["email"] },
};

/**
 * Converts a unique-constraint failure from libSQL (however Drizzle wrapped it) into a
 * {@link ConflictError} naming the table and columns; returns any other error unchanged.
 */
export function toConflictError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const match = UNIQUE.exec(current.message);
    if (match) {
      const target = match[2] ? EXPRESSION_INDEXES[match[2]] : parseColumns(match[1] ?? "");
      const what = target ? `${target.table} row with that ${target.columns.join(" and ")}` : "row with those values";
      return new ConflictError(`A ${what} already exists.`, { cause: error, target });
    }
    current = current.cause;
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

function parseColumns(list: string): { table: string; columns: string[] } | undefined {
  const pairs = list.split(", ").map((item) => item.split("."));
  const table = pairs[0]?.[0];
  if (!table || pairs.some((pair) => pair.length !== 2)) return undefined;
  return { table, columns: pairs.map((pair) => pair[1] ?? "") };
}

import { users } from "@tetrastack/backend/database";
import { desc } from "drizzle-orm";
import { db, migrateOnce } from "@/db";
import { removePerson } from "./actions";
import { AddPersonForm } from "./add-person-form";

export const dynamic = "force-dynamic";

export default async function Home() {
  await migrateOnce();
  const people = await db.query.users.findMany({ orderBy: desc(users.id), with: { notes: true }, limit: 50 });
  return (
    <>
      <h1>@tetrastack/backend</h1>
      <p>
        This page reads and writes the embedded libSQL database (
        <code>{process.env.DATABASE_URL ?? "file:local.db"}</code>) through the package's Drizzle schema, extended with
        the app's own <code>notes</code> table.
      </p>
      <h2>People</h2>
      <AddPersonForm />
      {people.length === 0 ? (
        <p>No one yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Notes</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.id}>
                <td>
                  {person.email}
                  <br />
                  <code title="UUIDv7 id">{person.id}</code>
                </td>
                <td>{person.notes.length}</td>
                <td>
                  <time dateTime={person.createdAt.toISOString()}>{person.createdAt.toISOString().slice(0, 19)}Z</time>
                </td>
                <td>
                  <form action={removePerson}>
                    <input type="hidden" name="id" value={person.id} />
                    <button type="submit" aria-label={`Delete ${person.email}`}>
                      Delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

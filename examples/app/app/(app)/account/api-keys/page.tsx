import type { Metadata } from "next";
import { listAPIKeys, requireUser } from "@/auth";
import { SubmitButton } from "@/components/form-parts";
import { revokeKeyAction } from "./actions";
import { CreateKeyForm } from "./create-key-form";

export const metadata: Metadata = { title: "API keys" };

export default async function APIKeysPage() {
  const { user } = await requireUser();
  const keys = await listAPIKeys(user.id);
  return (
    <>
      <h1>API keys</h1>
      <p>
        Scripts and servers read your notes from <code>GET /api/v1/notes</code> with a key in the <code>x-api-key</code>{" "}
        header. A key works until it expires or you revoke it; only its hash is stored.
      </p>
      <section className="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">New key</h2>
        <CreateKeyForm />
      </section>
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Your keys</h2>
        {keys.length === 0 ? (
          <p>No keys yet.</p>
        ) : (
          <ul className="list" aria-label="API keys">
            {keys.map((key) => (
              <li key={key.id}>
                <p>
                  <strong>{key.name}</strong> <code>{`${key.prefix}…${key.lastFour}`}</code>
                  <br />
                  <span className="hint">
                    {key.scopes.join(", ") || "no scopes"} · created{" "}
                    <time dateTime={key.createdAt.toISOString()}>{key.createdAt.toUTCString()}</time> ·{" "}
                    {key.lastUsedAt ? (
                      <>
                        last used <time dateTime={key.lastUsedAt.toISOString()}>{key.lastUsedAt.toUTCString()}</time>
                      </>
                    ) : (
                      "never used"
                    )}
                    {key.expiresAt ? (
                      <>
                        {" "}
                        · expires <time dateTime={key.expiresAt.toISOString()}>{key.expiresAt.toUTCString()}</time>
                      </>
                    ) : null}
                  </span>
                </p>
                <form action={revokeKeyAction}>
                  <input type="hidden" name="id" value={key.id} />
                  <SubmitButton pendingText="Revoking…" aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </SubmitButton>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

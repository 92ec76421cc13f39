import { listSessions } from "@/auth";
import { SubmitButton } from "@/components/form-parts";
import { describeUserAgent } from "@/lib/user-agent";
import { revokeOneSession, revokeOthers } from "./session-actions";

/** "Where you're signed in": every live session, with revoke buttons (database sessions end at once). */
export async function SessionsSection({ userId, currentSessionId }: { userId: string; currentSessionId?: string }) {
  const sessions = await listSessions(userId);
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you're signed in</h2>
      <ul className="list" aria-label="Sessions">
        {sessions.map((session, index) => {
          const current = session.id === currentSessionId;
          const name = `${describeUserAgent(session.userAgent)}, session ${index + 1}`;
          return (
            <li key={session.id} data-current={current || undefined}>
              <p>
                <strong>{name}</strong> {current ? <span className="badge">This device</span> : null}
                <br />
                <span className="hint">
                  {session.ipAddress ?? "unknown address"} · signed in{" "}
                  <time dateTime={session.createdAt.toISOString()}>{session.createdAt.toUTCString()}</time>
                </span>
              </p>
              {current ? null : (
                <form action={revokeOneSession}>
                  <input type="hidden" name="id" value={session.id} />
                  <SubmitButton pendingText="Signing out…" aria-label={`Sign out ${name}`}>
                    Sign out
                  </SubmitButton>
                </form>
              )}
            </li>
          );
        })}
      </ul>
      {sessions.length > 1 ? (
        <form action={revokeOthers}>
          <SubmitButton pendingText="Signing out…">Sign out everywhere else</SubmitButton>
        </form>
      ) : null}
    </section>
  );
}

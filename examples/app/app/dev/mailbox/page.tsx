import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { devMailboxEnabled, readMailbox } from "@/lib/mail";

export const metadata: Metadata = { title: "Dev mailbox" };

/** Splits text into strings and clickable links. */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, index) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export default async function DevMailboxPage() {
  // At request time: DEV_MAILBOX is the server's variable, and `next build` must not bake in a 404.
  await connection();
  if (!devMailboxEnabled()) notFound();
  const mails = await readMailbox();
  return (
    <>
      <h1>Dev mailbox</h1>
      <p className="notice">
        Development only: mail the app sends is kept here (and printed in the terminal) instead of being delivered.
      </p>
      {mails.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <ol className="list" aria-label="Messages, newest first">
          {mails.map((mail) => (
            <li key={mail.id}>
              <article aria-labelledby={`mail-${mail.id}`} className="mail-item">
                <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
                <p className="hint">
                  To <span data-testid="mail-to">{mail.to}</span> ·{" "}
                  <time dateTime={mail.sentAt}>{new Date(mail.sentAt).toUTCString()}</time>
                </p>
                <p className="mail">{linkify(mail.text)}</p>
              </article>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

import { toActionError, type UploadRecord } from "@tetrastack/backend/uploads";
import type { Metadata } from "next";
import { requireUser } from "@/auth";
import { ATTACHMENT_POLICY, uploads } from "@/lib/uploads";
import { DeleteUploadButton } from "./delete-upload-button";
import { UploadForm } from "./upload-form";

export const metadata: Metadata = { title: "Uploads" };

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// The day fits one line of the table; the exact time is in the title.
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default async function UploadsPage() {
  const { user } = await requireUser();
  let items: UploadRecord[] = [];
  let problem: string | undefined;
  try {
    ({ items } = await uploads.listUploads(user.id, { limit: 50 }));
  } catch (error) {
    problem = toActionError(error).error.message;
  }
  return (
    <>
      <h1>Uploads</h1>
      <p>
        Files go from your browser straight to storage through a short-lived signed URL bound to the file's type, size
        and your account; the server then checks what arrived.
      </p>
      {problem ? (
        <p role="alert" className="form-error">
          {problem}
        </p>
      ) : (
        <section className="card" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload a file</h2>
          <UploadForm
            accept={ATTACHMENT_POLICY.contentTypes.join(",")}
            maxBytes={ATTACHMENT_POLICY.maxBytes}
            multipartThreshold={uploads.multipartThreshold}
          />
        </section>
      )}
      <section className="card" aria-labelledby="files-title">
        <h2 id="files-title">Your files</h2>
        {items.length === 0 ? (
          <p>No files yet.</p>
        ) : (
          <table className="files">
            <caption className="sr-only">Your uploaded files, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="col-name">
                  Name
                </th>
                <th scope="col" className="col-type">
                  Type
                </th>
                <th scope="col" className="col-size">
                  Size
                </th>
                <th scope="col" className="col-date">
                  Uploaded
                </th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  {/* One line per row: a long name ends in an ellipsis, its full text in the title. */}
                  <th scope="row" className="col-name" title={item.filename}>
                    {item.filename}
                  </th>
                  <td className="col-type" title={item.contentType}>
                    {item.contentType}
                  </td>
                  <td className="col-size">{formatBytes(item.size)}</td>
                  <td className="col-date">
                    <time dateTime={item.updatedAt.toISOString()} title={item.updatedAt.toUTCString()}>
                      {dateFormat.format(item.updatedAt)}
                    </time>
                  </td>
                  <td className="col-actions">
                    <div className="row-actions">
                      {/* No name in `download`: storage names the file after its verified type (Content-Disposition). */}
                      <a href={`/uploads/download?key=${encodeURIComponent(item.key)}`} download>
                        Download<span className="sr-only"> {item.filename}</span>
                      </a>
                      <DeleteUploadButton uploadKey={item.key} filename={item.filename} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

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
          <table>
            <caption className="sr-only">Your uploaded files, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Size</th>
                <th scope="col">Uploaded</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.filename}</th>
                  <td>{item.contentType}</td>
                  <td>{formatBytes(item.size)}</td>
                  <td>
                    <time dateTime={item.updatedAt.toISOString()}>{item.updatedAt.toUTCString()}</time>
                  </td>
                  <td className="actions">
                    {/* No name in `download`: storage names the file after its verified type (Content-Disposition). */}
                    <a href={`/uploads/download?key=${encodeURIComponent(item.key)}`} download>
                      Download<span className="sr-only"> {item.filename}</span>
                    </a>
                    <DeleteUploadButton uploadKey={item.key} filename={item.filename} />
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

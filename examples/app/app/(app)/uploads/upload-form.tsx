"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { FormError } from "@/components/form-parts";
import { completeUpload, startUpload } from "./actions";

type Phase = "idle" | "signing" | "uploading" | "verifying" | "done";

const phaseText: Record<Phase, string> = {
  idle: "",
  signing: "Preparing the upload…",
  uploading: "Uploading…",
  verifying: "Checking the stored file…",
  done: "Uploaded.",
};

/** PUTs the file straight to storage with XMLHttpRequest, which (unlike fetch) reports upload progress. */
function put(
  url: string,
  method: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (n: number) => void,
) {
  return new Promise<"ok" | "UPLOAD_REFUSED" | "UPLOAD_NETWORK">((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => resolve(xhr.status >= 200 && xhr.status < 300 ? "ok" : "UPLOAD_REFUSED");
    xhr.onerror = () => resolve("UPLOAD_NETWORK");
    xhr.send(file);
  });
}

export function UploadForm({ accept, maxBytes }: { accept: string; maxBytes: number }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string>();
  const busy = phase === "signing" || phase === "uploading" || phase === "verifying";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setError(undefined);
    if (!file) return setError("NO_FILE");
    setProgress(0);
    setPhase("signing");
    // 1. The server checks type, size and owner, records a pending upload and signs a PUT.
    const signed = await startUpload({ name: file.name, type: file.type, size: file.size });
    if ("error" in signed) {
      setPhase("idle");
      return setError(signed.error);
    }
    // 2. The browser sends the bytes to storage itself; the server never sees them.
    setPhase("uploading");
    const sent = await put(signed.url, signed.method, signed.headers, file, setProgress);
    if (sent !== "ok") {
      setPhase("idle");
      return setError(sent);
    }
    // 3. The server looks at the stored object before accepting it.
    setPhase("verifying");
    const completed = await completeUpload(signed.key);
    if (completed.error) {
      setPhase("idle");
      return setError(completed.error);
    }
    setPhase("done");
    event.currentTarget?.reset();
    if (input.current) input.current.value = "";
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="stack" aria-describedby="upload-error upload-status">
      <div className="field">
        <label htmlFor="upload-file">File to upload</label>
        <input
          id="upload-file"
          ref={input}
          type="file"
          name="file"
          accept={accept}
          required
          disabled={busy}
          aria-describedby="upload-hint"
        />
        <p id="upload-hint" className="hint">
          Images, PDFs or text files up to {Math.round(maxBytes / 1024 / 1024)} MB.
        </p>
      </div>
      {phase === "uploading" || phase === "verifying" || phase === "done" ? (
        <div className="progress">
          <label htmlFor="upload-progress">Upload progress</label>
          <progress id="upload-progress" max={100} value={progress}>
            {progress}%
          </progress>
          <span aria-hidden="true">{progress}%</span>
        </div>
      ) : null}
      <p id="upload-status" role="status" className="hint">
        {phaseText[phase]}
      </p>
      <FormError id="upload-error" error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Uploading…" : "Upload"}
      </button>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { FormError } from "@/components/form-parts";
import type { FormFailure } from "@/lib/form-state";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  completeUpload,
  type PartURL,
  signUploadParts,
  startMultipartUpload,
  startUpload,
} from "./actions";

type Phase = "idle" | "signing" | "uploading" | "verifying" | "done";

const phaseText: Record<Phase, string> = {
  idle: "",
  signing: "Preparing the upload…",
  uploading: "Uploading…",
  verifying: "Checking the stored file…",
  done: "Uploaded.",
};

/** The browser's own failures, worded here (the package only sees the server's side). */
const REFUSED: FormFailure = {
  code: "UPLOAD_REFUSED",
  message: "Storage refused the upload (the link may have expired). Try again.",
};
const NETWORK: FormFailure = {
  code: "UPLOAD_NETWORK",
  message: "The upload was interrupted. Check your connection and try again.",
};

type Sent = { ok: true; etag: string | null } | { ok: false; error: FormFailure };

/**
 * PUTs a body straight to storage with XMLHttpRequest, which (unlike fetch) reports upload
 * progress. Resolves with the `ETag` answer header, which multipart completion needs (the bucket's
 * CORS rule exposes it).
 */
function put(url: string, headers: Record<string, string>, body: Blob, onProgress: (loaded: number) => void) {
  return new Promise<Sent>((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () =>
      resolve(
        xhr.status >= 200 && xhr.status < 300
          ? { ok: true, etag: xhr.getResponseHeader("ETag") }
          : { ok: false, error: REFUSED },
      );
    xhr.onerror = () => resolve({ ok: false, error: NETWORK });
    xhr.send(body);
  });
}

type Result = { error?: FormFailure | undefined };

/** One PUT to a URL signed for the file's type and size, then the server's check. */
async function uploadWhole(
  file: File,
  onProgress: (loaded: number) => void,
  onPhase: (p: Phase) => void,
): Promise<Result> {
  // 1. The server checks type, size, owner and the rate limit, records a pending upload and signs a PUT.
  const signed = await startUpload({ name: file.name, type: file.type, size: file.size });
  if ("error" in signed) return signed;
  // 2. The browser sends the bytes to storage itself; the server never sees them.
  onPhase("uploading");
  const sent = await put(signed.url, signed.headers, file, onProgress);
  if (!sent.ok) return { error: sent.error };
  // 3. The server looks at the stored object before accepting it.
  onPhase("verifying");
  return completeUpload(signed.key);
}

/**
 * Large files: one PUT per part, in order. The server signs part URLs a batch at a time
 * (`signBatchSize`), so the next batch is asked for when the current one is used up.
 */
async function uploadInParts(
  file: File,
  onProgress: (loaded: number) => void,
  onPhase: (p: Phase) => void,
): Promise<Result> {
  const started = await startMultipartUpload({ name: file.name, type: file.type, size: file.size });
  if ("error" in started) return started;
  const upload = { key: started.key, uploadId: started.uploadId };
  const etags: { partNumber: number; etag: string }[] = [];
  let batch: PartURL[] = started.parts;
  onPhase("uploading");
  while (etags.length < started.partCount) {
    if (batch.length === 0) {
      const first = etags.length + 1;
      const count = Math.min(started.signBatchSize, started.partCount - etags.length);
      const signed = await signUploadParts(
        upload,
        Array.from({ length: count }, (_, index) => first + index),
      );
      if ("error" in signed) {
        await abortMultipartUpload(upload);
        return signed;
      }
      batch = signed.parts;
    }
    const part = batch.shift() as PartURL;
    const start = (part.partNumber - 1) * started.partSize;
    const sent = await put(part.url, {}, file.slice(start, start + part.size), (loaded) => onProgress(start + loaded));
    if (!sent.ok || !sent.etag) {
      await abortMultipartUpload(upload);
      return { error: sent.ok ? REFUSED : sent.error };
    }
    etags.push({ partNumber: part.partNumber, etag: sent.etag });
  }
  onPhase("verifying");
  return completeMultipartUpload(upload, etags);
}

export function UploadForm({
  accept,
  maxBytes,
  multipartThreshold,
}: {
  accept: string;
  maxBytes: number;
  multipartThreshold: number;
}) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<FormFailure>();
  const busy = phase === "signing" || phase === "uploading" || phase === "verifying";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const file = input.current?.files?.[0];
    setError(undefined);
    if (!file) return setError({ code: "NO_FILE", message: "Choose a file first." });
    setProgress(0);
    setPhase("signing");
    const onProgress = (loaded: number) => setProgress(Math.round((Math.min(loaded, file.size) / file.size) * 100));
    const upload = file.size > multipartThreshold ? uploadInParts : uploadWhole;
    const result = await upload(file, onProgress, setPhase);
    if (result.error) {
      setPhase("idle");
      return setError(result.error);
    }
    setProgress(100);
    setPhase("done");
    form.reset();
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

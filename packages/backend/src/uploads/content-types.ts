import type { Disposition } from "./keys.js";

/**
 * @internal File extensions by content type, the first one canonical. A download's name gets its
 * extension from this table, not from what the user typed: an `image/png` named `invoice.html`
 * must not be saved as `.html`, which a double click would open in a browser.
 */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg", "jpe", "jfif"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "image/avif": ["avif"],
  "image/bmp": ["bmp"],
  "image/tiff": ["tif", "tiff"],
  "image/heic": ["heic"],
  "image/heif": ["heif"],
  "image/x-icon": ["ico"],
  "image/vnd.microsoft.icon": ["ico"],
  "image/svg+xml": ["svg"],
  "application/pdf": ["pdf"],
  "text/plain": ["txt", "text", "log"],
  "text/csv": ["csv"],
  "text/markdown": ["md", "markdown"],
  "text/calendar": ["ics"],
  "text/html": ["html", "htm"],
  "text/css": ["css"],
  "text/javascript": ["js", "mjs"],
  "application/javascript": ["js", "mjs"],
  "application/json": ["json"],
  "application/xml": ["xml"],
  "text/xml": ["xml"],
  "application/xhtml+xml": ["xhtml"],
  "application/rtf": ["rtf"],
  "application/zip": ["zip"],
  "application/gzip": ["gz"],
  "application/x-tar": ["tar"],
  "application/x-7z-compressed": ["7z"],
  "application/vnd.rar": ["rar"],
  "application/msword": ["doc"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
  "application/vnd.ms-excel": ["xls"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
  "application/vnd.ms-powerpoint": ["ppt"],
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ["pptx"],
  "application/vnd.oasis.opendocument.text": ["odt"],
  "application/vnd.oasis.opendocument.spreadsheet": ["ods"],
  "application/vnd.oasis.opendocument.presentation": ["odp"],
  "application/epub+zip": ["epub"],
  "application/wasm": ["wasm"],
  "application/octet-stream": ["bin"],
  "audio/mpeg": ["mp3"],
  "audio/mp4": ["m4a"],
  "audio/aac": ["aac"],
  "audio/ogg": ["ogg", "oga"],
  "audio/wav": ["wav"],
  "audio/webm": ["weba"],
  "audio/flac": ["flac"],
  "video/mp4": ["mp4", "m4v"],
  "video/webm": ["webm"],
  "video/ogg": ["ogv"],
  "video/quicktime": ["mov"],
  "video/x-matroska": ["mkv"],
  "font/woff": ["woff"],
  "font/woff2": ["woff2"],
};

/**
 * Types a browser may show in a tab (`inline`) without running anything from the file: raster
 * images, PDFs, plain text, audio and video. Everything else, HTML, SVG, XML and JavaScript among
 * them, is always sent as an attachment, because shown inline on the storage origin it would run.
 */
const INLINE_SAFE = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "application/pdf",
  "text/plain",
]);

/** @internal Whether a file of this (verified, lower-case) type may be shown inline. */
export function mayShowInline(contentType: string): boolean {
  if (INLINE_SAFE.has(contentType)) return true;
  // Media elements play these; none of them can carry script into the page.
  return /^(audio|video)\/[a-z0-9.+-]+$/.test(contentType) && !contentType.endsWith("+xml");
}

/** @internal The disposition a download really gets: `inline` only for types that are safe inline. */
export function effectiveDisposition(contentType: string, asked: Disposition): Disposition {
  return asked === "inline" && mayShowInline(contentType) ? "inline" : "attachment";
}

/**
 * @internal The name a download is saved under: the user's name with the extension of its verified
 * type. A matching extension is kept as typed (`Photo.JPG` for `image/jpeg`); any other is
 * replaced (`invoice.html` as `image/png` becomes `invoice.png`). A type missing from the table
 * gets no extension at all rather than one the file does not have.
 */
export function downloadFilename(filename: string, contentType: string): string {
  const extensions = EXTENSIONS[contentType] ?? [];
  // "report.pdf." and "x. " end in a dot or space that Windows drops, so the part before counts.
  const name = filename.replace(/[.\s]+$/, "");
  const dot = name.lastIndexOf(".");
  const extension = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (extension && extensions.includes(extension)) return name;
  const stem = (dot > 0 && /^[a-z0-9]{1,10}$/.test(extension) ? name.slice(0, dot) : name) || "download";
  const canonical = extensions[0];
  return canonical ? `${stem}.${canonical}` : stem;
}

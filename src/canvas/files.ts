// Finding the file a canvas URL names: only inside the served root. `..` (raw or percent-encoded), NUL, a
// backslash and a symlink that leads out are all refused, so agent-written content cannot reach other files.
import { open, realpath, stat } from "node:fs/promises";
import { extname, join, relative, isAbsolute, sep } from "node:path";

/** Largest file the host reads into memory (HTML is rewritten, so it is read whole); larger answers 413. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** What a lookup found: a file to send, or why not. */
export type Lookup =
  | { ok: true; path: string; body: Uint8Array; contentType: string }
  | { ok: false; status: 400 | 404 | 413; reason: string }
  | { ok: false; status: 301; reason: string };

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/jsonl; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".pdf": "application/pdf",
};

/** The Content-Type of a file by its extension; unknown types are opaque bytes (nosniff keeps them inert). */
export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

export function isHtml(contentType: string): boolean {
  return contentType.startsWith("text/html");
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The decoded relative segments of a URL path below the mount, or undefined when any segment is unsafe:
 * `.`/`..`, empty after decoding, or carrying NUL, a slash or a backslash once decoded.
 */
export function safeSegments(subPath: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of subPath.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === "." || segment === ".." || /[\0/\\]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

/** Reads the file `subPath` names below `root`: directories serve their index.html. */
export async function lookup(root: string, subPath: string): Promise<Lookup> {
  const segments = safeSegments(subPath);
  if (!segments) return { ok: false, status: 400, reason: "invalid path" };
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    return { ok: false, status: 404, reason: "canvas root missing" };
  }
  let target = join(rootReal, ...segments);
  try {
    if ((await stat(target)).isDirectory()) {
      // A folder's page resolves its relative links against the folder, so it is only served with the slash.
      if (segments.length > 0 && !subPath.endsWith("/")) return { ok: false, status: 301, reason: "folder" };
      target = join(target, "index.html");
    }
    // A symlink inside the root is followed only while it stays inside.
    const real = await realpath(target);
    if (!inside(rootReal, real)) return { ok: false, status: 404, reason: "outside the canvas root" };
    const handle = await open(real, "r");
    try {
      const info = await handle.stat();
      if (!info.isFile()) return { ok: false, status: 404, reason: "not a file" };
      if (info.size > MAX_FILE_BYTES) return { ok: false, status: 413, reason: "file too large" };
      // A Buffer is already a Uint8Array: wrapping it again would copy up to MAX_FILE_BYTES per request.
      const body: Uint8Array = await handle.readFile();
      if (body.byteLength > MAX_FILE_BYTES) return { ok: false, status: 413, reason: "file too large" };
      return { ok: true, path: real, body, contentType: contentTypeOf(real) };
    } finally {
      await handle.close();
    }
  } catch {
    return { ok: false, status: 404, reason: "not found" };
  }
}

// The Control UI's responses. Loaded lazily by surface.ts on the first UI request; the client bundle is
// inlined here at bundle time by the clientAssets() macro (see build-client.ts).
import { SECURITY_HEADERS, textResponse } from "../surface/http.ts";
import { clientAssets } from "./build-client.ts" with { type: "macro" };
import { ASSET_PREFIX } from "./routes.ts";

const BUILT = clientAssets();
const ASSET_DIR = `${ASSET_PREFIX}${BUILT.hash}/`;

/** What the shell needs from the running gateway. */
export interface ShellInfo {
  version: string;
}

interface Asset {
  type: string;
  body: Uint8Array;
  gzip?: Uint8Array;
  etag: string;
}

const encoder = new TextEncoder();
const GZIP_MIN_BYTES = 1024;

function asset(type: string, text: string, etag: string): Asset {
  const body = encoder.encode(text);
  return { type, body, gzip: body.length >= GZIP_MIN_BYTES ? Bun.gzipSync(body, { level: 9 }) : undefined, etag: `"${etag}"` };
}

const FILES: Readonly<Record<string, Asset>> = {
  "app.js": asset("text/javascript; charset=utf-8", BUILT.js, `${BUILT.hash}-js`),
  "app.css": asset("text/css; charset=utf-8", BUILT.css, `${BUILT.hash}-css`),
  "icon.svg": asset("image/svg+xml", BUILT.icon, `${BUILT.hash}-svg`),
};

let shell: Asset | undefined;

function shellAsset(info: ShellInfo): Asset {
  if (shell) return shell;
  const version = escapeHtml(info.version);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="openclaw-version" content="${version}">
<title>OpenClaw Control</title>
<link rel="icon" href="${ASSET_DIR}icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ASSET_DIR}app.css">
<script type="module" src="${ASSET_DIR}app.js"></script>
</head>
<body>
<noscript>The OpenClaw Control UI needs JavaScript.</noscript>
</body>
</html>
`;
  shell = asset("text/html; charset=utf-8", html, `${BUILT.hash}-${Bun.hash(version).toString(36)}`);
  return shell;
}

/** Answers a UI path (surface.ts has matched it): the page shell, a hashed asset, or 404 for a stale hash. */
export function serveControlUi(request: Request, url: URL, info: ShellInfo): Response {
  if (url.pathname.startsWith(ASSET_PREFIX)) {
    const file = url.pathname.startsWith(ASSET_DIR) ? FILES[url.pathname.slice(ASSET_DIR.length)] : undefined;
    // An old or foreign hash is not served from the current build: a long-cached wrong file is worse than a 404.
    if (!file) return textResponse("Not Found", 404, { ...pageHeaders(request), "Cache-Control": "no-store" });
    return respond(request, file, "public, max-age=31536000, immutable");
  }
  return respond(request, shellAsset(info), "no-cache");
}

function respond(request: Request, file: Asset, cacheControl: string): Response {
  const headers: Record<string, string> = {
    ...pageHeaders(request),
    "Content-Type": file.type,
    "Cache-Control": cacheControl,
    ETag: file.etag,
    Vary: "Accept-Encoding",
  };
  if (request.headers.get("if-none-match")?.split(/\s*,\s*/).includes(file.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const gzip = file.gzip && /\bgzip\b/i.test(request.headers.get("accept-encoding") ?? "");
  if (gzip) headers["Content-Encoding"] = "gzip";
  const body = gzip ? file.gzip! : file.body;
  return new Response(request.method === "HEAD" ? null : body, { status: 200, headers: { ...headers, "Content-Length": String(body.length) } });
}

/**
 * Headers of every UI response (spec §6): the common ones plus a CSP that allows only this origin's own
 * script, style, image and socket, no framing (`frame-ancestors 'none'` and X-Frame-Options DENY), and
 * no form submission (the token form is handled in script, so a form can never put it in a URL).
 */
function pageHeaders(request: Request): Record<string, string> {
  // `'self'` covers ws:/wss: to the same host in CSP level 3; older engines need the socket origin spelled out.
  const host = request.headers.get("host") ?? "";
  const sockets = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host) ? ` ws://${host} wss://${host}` : "";
  return {
    ...SECURITY_HEADERS,
    "Content-Security-Policy": [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self'",
      `connect-src 'self'${sockets}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ].join("; "),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Canvas documents are agent-authored HTML/JS: untrusted content (reference: gateway/security/network-exposure).
// Every canvas response carries a CSP `sandbox` without `allow-same-origin`, so a document runs in an opaque
// origin: it cannot read the Control UI's storage or make same-origin credentialed calls to the gateway, even
// though both share a port. The rest follows the reference's widget policy: no framing of other documents,
// no plugins, no form posts, public CDNs for scripts and styles, nothing sniffed.
import { SECURITY_HEADERS } from "../surface/http.ts";
import { LIVE_PATH } from "./settings.ts";

/** Public static-asset origins the reference lets widget documents load (never a connect-src grant). */
const CDN_ORIGINS = [
  "https://cdnjs.cloudflare.com",
  "https://cdn.jsdelivr.net",
  "https://esm.sh",
  "https://unpkg.com",
  "https://fonts.googleapis.com",
  "https://fonts.gstatic.com",
  "https://fonts.bunny.net",
].join(" ");

/**
 * The Content-Security-Policy of every canvas and A2UI response: the reference's widget policy (`sandbox
 * allow-scripts`, nothing framed, no beacons), except that `connect-src` names the live-reload stream, and only it
 * (`liveUrl`, absolute, from the address the viewer dialed); without live reload nothing may be fetched.
 */
export function canvasCsp(liveUrl: string | undefined): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${CDN_ORIGINS}`,
    `style-src 'self' 'unsafe-inline' ${CDN_ORIGINS}`,
    `font-src 'self' data: ${CDN_ORIGINS}`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob: https:",
    `connect-src ${liveUrl ?? "'none'"}`,
    "webrtc 'block'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "sandbox allow-scripts",
  ].join("; ");
}

/** Headers of every canvas/A2UI answer, files and errors alike (an error page is content too). */
export function canvasHeaders(contentType: string, extra: Record<string, string> = {}, liveUrl?: string): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    "Content-Type": contentType,
    "Content-Security-Policy": canvasCsp(liveUrl),
    "Cache-Control": "no-store",
    ...extra,
  };
}

/** A plain-text canvas answer (404, 405, 413, 503) with the same sandbox as documents. */
export function canvasText(body: string, status: number, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: canvasHeaders("text/plain; charset=utf-8", extra) });
}

/**
 * The live-reload client added to served HTML: an EventSource on LIVE_PATH (below the capability prefix when the
 * page was loaded through one) that reloads the page on `reload`. EventSource reconnects by itself when the
 * gateway restarts; the script never touches the document otherwise.
 */
const LIVE_SCRIPT = `<script data-openclaw-live-reload>(()=>{try{const p=location.pathname.split("/");const pre=p[1]==="__openclaw__"&&p[2]==="cap"&&p[3]?"/__openclaw__/cap/"+p[3]:"";const s=new EventSource(pre+${JSON.stringify(LIVE_PATH)});s.addEventListener("reload",()=>location.reload());}catch{}})();</script>`;

/** The HTML with the live-reload client inserted before `</body>` (or appended when there is none). */
export function injectLiveReload(html: string): string {
  const at = html.search(/<\/body\s*>/i);
  return at >= 0 ? html.slice(0, at) + LIVE_SCRIPT + html.slice(at) : html + LIVE_SCRIPT;
}

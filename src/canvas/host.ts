// The canvas host's answers, loaded on the first canvas request: documents under CANVAS_PATH (with the
// live-reload client in their HTML), A2UI renderer assets under A2UI_PATH, and the live-reload stream. Beyond
// loopback every one of them needs the gateway secret, like the gateway's other HTTP surfaces.
import { authenticateBearer, retryAfterSeconds, type AuthSettings } from "../surface/auth.ts";
import type { AuthThrottle } from "../surface/auth-throttle.ts";
import { sleep } from "../platform/sleep.ts";
import { lookup, isHtml } from "./files.ts";
import { canvasHeaders, canvasText, injectLiveReload } from "./headers.ts";
import type { LiveReload } from "./live.ts";
import { splitCapabilityPath } from "./capability.ts";
import { A2UI_PATH, CANVAS_PATH, CAP_PREFIX, LIVE_PATH, type CanvasSettings } from "./settings.ts";

/** File answers being read at once (each may hold up to MAX_FILE_BYTES); past it a request gets 503, not a queue. */
export const MAX_READS_IN_FLIGHT = 32;
let reading = 0;

/** What a request is answered from: settings and auth read per request, so hot reloads apply at once. */
export interface HostContext {
  settings(): CanvasSettings;
  auth(): AuthSettings;
  /** False only for a direct local viewer (see surface.ts): everyone else must present the gateway secret. */
  authRequired(request: Request, remoteAddress: string): boolean;
  throttle: AuthThrottle;
  live: LiveReload;
  /** True while a node's capability token (canvas/capability.ts) lives. */
  capabilityValid(token: string): boolean;
}

/** Answers one canvas-owned request (the caller checked the path is a canvas path). */
export async function serveCanvas(host: HostContext, request: Request, url: URL, remoteAddress: string): Promise<Response> {
  const settings = host.settings();
  if (!settings.enabled) return canvasText("Not Found", 404);
  // Below a live node capability no secret is asked: node WebViews send no auth headers (reference).
  let path = url.pathname;
  let prefix = "";
  const capability = splitCapabilityPath(path);
  if (capability) {
    if (!host.capabilityValid(capability.token)) return jsonError(401, "Unauthorized", "unauthorized");
    path = capability.rest;
    prefix = capability.prefix;
    if (path === "/") return redirect(`${prefix}${CANVAS_PATH}/`);
  } else if (url.pathname.startsWith(CAP_PREFIX)) {
    return jsonError(401, "Unauthorized", "unauthorized");
  } else if (host.authRequired(request, remoteAddress)) {
    const refused = await checkAuth(host, request, remoteAddress);
    if (refused) return refused;
  }
  if (path === LIVE_PATH || path.startsWith(`${LIVE_PATH}/`)) return liveStream(host, request, settings);
  if (request.method !== "GET" && request.method !== "HEAD") return canvasText("Method Not Allowed", 405, { Allow: "GET, HEAD" });
  const at = { request, url, prefix };
  if (path === CANVAS_PATH) return redirect(`${prefix}${CANVAS_PATH}/${url.search}`);
  if (path.startsWith(`${CANVAS_PATH}/`)) return serveFile(at, settings.root, path.slice(CANVAS_PATH.length + 1), settings.liveReload);
  if (path !== A2UI_PATH && !path.startsWith(`${A2UI_PATH}/`)) return canvasText("Not Found", 404);
  if (!settings.a2uiRoot) return canvasText("A2UI assets not found", 503);
  if (path === A2UI_PATH) return redirect(`${prefix}${A2UI_PATH}/${url.search}`);
  return serveFile(at, settings.a2uiRoot, path.slice(A2UI_PATH.length + 1), false);
}

/** The request being answered and the capability prefix it came under (empty without one). */
interface At {
  request: Request;
  url: URL;
  prefix: string;
}

async function serveFile(at: At, root: string, subPath: string, liveReload: boolean): Promise<Response> {
  if (reading >= MAX_READS_IN_FLIGHT) return canvasText("Busy", 503, { "Retry-After": "1" });
  reading += 1;
  try {
    return await readAndAnswer(at, root, subPath, liveReload);
  } finally {
    reading -= 1;
  }
}

async function readAndAnswer({ request, url, prefix }: At, root: string, subPath: string, liveReload: boolean): Promise<Response> {
  const found = await lookup(root, subPath);
  if (!found.ok) {
    if (found.status === 301) return redirect(`${url.pathname}/${url.search}`);
    if (found.status === 404 && (subPath === "" || subPath.endsWith("/"))) {
      return canvasText("No canvas document here yet: write index.html into the canvas root.", 404);
    }
    return canvasText(found.status === 400 ? "Bad Request" : found.status === 413 ? "Payload Too Large" : "Not Found", found.status);
  }
  let body: Uint8Array | string = found.body;
  const live = isHtml(found.contentType) && liveReload;
  if (live) body = injectLiveReload(new TextDecoder().decode(found.body));
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  // The one URL the document may connect to: the live-reload stream on the address the viewer dialed.
  const headers = canvasHeaders(found.contentType, { "Content-Length": String(length) }, live ? `${url.protocol}//${url.host}${prefix}${LIVE_PATH}` : undefined);
  return new Response(request.method === "HEAD" ? null : body, { status: 200, headers });
}

function liveStream(host: HostContext, request: Request, settings: CanvasSettings): Response {
  if (!settings.liveReload) return canvasText("Not Found", 404);
  if (request.method !== "GET") return canvasText("Method Not Allowed", 405, { Allow: "GET" });
  const stream = host.live.subscribe();
  if (!stream) return canvasText("Too many live-reload viewers", 503, { "Retry-After": "5" });
  // A sandboxed document has an opaque origin, so its EventSource is a cross-origin request: the stream says
  // only "reload", so any origin may read it.
  return new Response(stream, {
    status: 200,
    headers: canvasHeaders("text/event-stream; charset=utf-8", { "Access-Control-Allow-Origin": "*", "X-Accel-Buffering": "no" }),
  });
}

function redirect(location: string): Response {
  return new Response(null, { status: 301, headers: canvasHeaders("text/plain; charset=utf-8", { Location: location }) });
}

async function checkAuth(host: HostContext, request: Request, remoteAddress: string): Promise<Response | undefined> {
  const outcome = authenticateBearer(host.auth(), request.headers.get("authorization"), remoteAddress, host.throttle);
  if (outcome.ok) return undefined;
  if (outcome.status === 429) {
    return jsonError(429, "Too many failed authentication attempts. Please try again later.", "rate_limited", { "Retry-After": retryAfterSeconds(outcome.retryAfterMs) });
  }
  if (outcome.delayMs) await sleep(outcome.delayMs);
  // The reference's body for an unauthenticated canvas/A2UI request.
  return jsonError(401, "Unauthorized", "unauthorized");
}

function jsonError(status: number, message: string, type: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { message, type } }), { status, headers: canvasHeaders("application/json; charset=utf-8", extra) });
}

import type { EventLoopStats } from "./event-loop.ts";

/** Lifecycle phase as probes see it: `/readyz` and `/startupz` answer 503 unless `ready`. */
export type GatewayPhase = "starting" | "ready" | "draining";

/** What the probe routes read from the running gateway. */
export interface ProbeState {
  phase(): GatewayPhase;
  uptimeMs(): number;
  version: string;
  eventLoop(): EventLoopStats;
}

/** Headers on every response (spec §6); the Control UI adds its own CSP and frame rules. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(self), geolocation=()",
});

const JSON_TYPE = "application/json; charset=utf-8";

/** A JSON response with the common headers. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": JSON_TYPE, ...headers },
  });
}

/** A plain-text response with the common headers (404 `Not Found`, 405 `Method Not Allowed`). */
export function textResponse(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...headers },
  });
}

/** 405 with the `Allow` header the spec shows. */
export function methodNotAllowed(allow: string): Response {
  return textResponse("Method Not Allowed", 405, { Allow: allow });
}

/** 404 `Not Found`, the answer for every path nobody serves. */
export function notFound(): Response {
  return textResponse("Not Found", 404);
}

const PROBES: Record<string, (state: ProbeState, local: boolean) => Response> = {
  "/health": live,
  "/healthz": live,
  "/ready": ready,
  "/readyz": ready,
  "/startupz": startup,
  "/startup": startup,
};

/** Answers the liveness/readiness/startup probes; `undefined` for any other path. */
export function handleProbe(request: Request, pathname: string, state: ProbeState, local: boolean): Response | undefined {
  const probe = PROBES[pathname];
  if (!probe) return undefined;
  if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed("GET, HEAD");
  return probe(state, local);
}

function live(): Response {
  return jsonResponse({ ok: true, status: "live" }, 200, { "Cache-Control": "no-store" });
}

/** Liveness never changes while the process runs, so Bun may answer it natively (bench: /health req/s). */
export function staticProbes(): Record<string, Response> {
  return { "/health": live(), "/healthz": live() };
}

function ready(state: ProbeState, local: boolean): Response {
  const phase = state.phase();
  const failing = phase === "ready" ? [] : [phase];
  // Event-loop details only for same-host callers, as the reference does.
  const body = local
    ? { ready: phase === "ready", failing, uptimeMs: state.uptimeMs(), eventLoop: state.eventLoop() }
    : { ready: phase === "ready", failing };
  return jsonResponse(body, phase === "ready" ? 200 : 503, { "Cache-Control": "no-store" });
}

function startup(state: ProbeState): Response {
  const phase = state.phase();
  const status = phase === "ready" ? "started" : phase;
  return jsonResponse(
    { ok: phase === "ready", status, version: state.version, uptimeMs: state.uptimeMs() },
    phase === "ready" ? 200 : 503,
    { "Cache-Control": "no-store" },
  );
}

import type { EventLoopStats } from "../methods/types.ts";
import { jsonResponse, methodNotAllowed } from "../surface/http.ts";

/** Lifecycle phase as probes see it: `/readyz` and `/startupz` answer 503 unless `ready`. */
export type GatewayPhase = "starting" | "ready" | "draining";

/** What the probe routes read from the running gateway. */
export interface ProbeState {
  phase(): GatewayPhase;
  uptimeMs(): number;
  version: string;
  eventLoop(): EventLoopStats;
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

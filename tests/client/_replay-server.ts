// A minimal, independent stand-in for the reference gateway: Bun.serve on 127.0.0.1:0 that replays the
// frames recorded from the reference (spec §2.1 challenge, §2.5 hello-ok, §2.7 errors, §3.2 missing scope,
// §3.3 payloads, §4 events) and records what our client sends. It shares no code with src/server, so the
// CLI is not only tested against ourselves.
import type { ServerWebSocket } from "bun";

export const REPLAY_TOKEN = "testtoken123";
const VERSION = "2026.9.6";

export interface ReplayOptions {
  /** The shared secret it accepts (default REPLAY_TOKEN). */
  token?: string;
  /** Answer the first N connects with the §2.7 "gateway starting" UNAVAILABLE frame (close 1013). */
  unavailableFirst?: number;
  /** Accept the socket but never send anything (no challenge, no answers). */
  silent?: boolean;
  /** Events sent right after hello-ok, in order (their `seq` as given, to test gap detection). */
  eventsAfterHello?: Record<string, unknown>[];
  /** Identity self-presence instanceId (two replay servers = two gateways). */
  instanceId?: string;
  /** Send the challenge only after this long (a slow gateway). */
  challengeDelayMs?: number;
  /** Serve `/readyz` and `/startupz` (spec §6); 503 "starting" until this many ms after start. */
  readyAfterMs?: number;
}

export interface Received {
  connId: number;
  frame: Record<string, unknown>;
  raw: string;
}

export interface ReplayServer {
  url: string;
  port: number;
  /** Every `connect` request frame, raw text kept for key-order assertions. */
  connects: Received[];
  /** Every other request frame. */
  requests: Received[];
  /** Close frames the client sent (code, reason), per connection. */
  closes: { connId: number; code: number; reason: string }[];
  stop(): void;
}

interface ConnState {
  id: number;
  open: boolean;
  scopes: string[];
  seq: number;
}

let connCounter = 0;

export function startReplayServer(options: ReplayOptions = {}): ReplayServer {
  const token = options.token ?? REPLAY_TOKEN;
  const instanceId = options.instanceId ?? crypto.randomUUID();
  let unavailable = options.unavailableFirst ?? 0;
  const connects: Received[] = [];
  const requests: Received[] = [];
  const closes: ReplayServer["closes"] = [];
  const startedAt = Date.now();

  const server = Bun.serve<ConnState>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      const path = new URL(req.url).pathname;
      if (options.readyAfterMs !== undefined && (path === "/readyz" || path === "/startupz")) {
        const ready = Date.now() - startedAt >= options.readyAfterMs;
        const body = path === "/readyz" ? { ready, failing: ready ? [] : ["starting"], uptimeMs: Date.now() - startedAt } : { ok: ready, status: ready ? "started" : "starting", version: VERSION, uptimeMs: Date.now() - startedAt };
        return Response.json(body, { status: ready ? 200 : 503 });
      }
      if (srv.upgrade(req, { data: { id: ++connCounter, open: false, scopes: [], seq: 0 } })) return undefined;
      return new Response("Not Found", { status: 404 });
    },
    websocket: {
      perMessageDeflate: false,
      open(ws) {
        if (options.silent) return;
        // §2.1, sent immediately after the 101 (or late, for a slow gateway).
        const challenge = () => ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: crypto.randomUUID(), ts: Date.now(), capabilities: ["model-catalog-snapshot"] } }));
        if (options.challengeDelayMs) setTimeout(challenge, options.challengeDelayMs);
        else challenge();
      },
      message(ws, data) {
        if (options.silent) return;
        const raw = typeof data === "string" ? data : new TextDecoder().decode(data);
        let frame: Record<string, unknown>;
        try {
          frame = JSON.parse(raw);
        } catch {
          return;
        }
        if (!ws.data.open) return handshake(ws, frame, raw);
        requests.push({ connId: ws.data.id, frame, raw });
        answer(ws, frame);
      },
      close(ws, code, reason) {
        closes.push({ connId: ws.data.id, code, reason });
      },
    },
  });

  function handshake(ws: ServerWebSocket<ConnState>, frame: Record<string, unknown>, raw: string) {
    connects.push({ connId: ws.data.id, frame, raw });
    const id = String(frame.id);
    const params = (frame.params ?? {}) as Record<string, any>;
    const refuse = (error: Record<string, unknown>, code = 1008, reason = String(error.message)) => {
      ws.send(JSON.stringify({ type: "res", id, ok: false, error }));
      setTimeout(() => ws.close(code, reason), 5);
    };
    if (frame.method !== "connect") {
      return refuse({ code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" });
    }
    if (params.minProtocol > 4 || params.maxProtocol < 4) {
      return refuse(
        { code: "INVALID_REQUEST", message: "protocol mismatch", details: { code: "PROTOCOL_MISMATCH", clientMinProtocol: params.minProtocol, clientMaxProtocol: params.maxProtocol, expectedProtocol: 4, minimumProbeProtocol: 3 } },
        1002,
        "protocol mismatch",
      );
    }
    if (unavailable > 0) {
      unavailable--;
      return refuse({ code: "UNAVAILABLE", message: "gateway starting; retry shortly", retryable: true, retryAfterMs: 500, details: { reason: "startup-sidecars" } }, 1013, "gateway starting");
    }
    const secret = params.auth?.token ?? params.auth?.password;
    if (secret === undefined) {
      return refuse({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } }, 1008, "device identity required");
    }
    if (secret !== token) {
      const probe = params.client?.mode === "probe";
      return refuse({
        code: "INVALID_REQUEST",
        message: `unauthorized: gateway token mismatch (${probe ? "provide gateway auth token" : "use this gateway's gateway.auth.token or pair the device"})`,
        details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      });
    }
    const local = (params.client?.id === "cli" && params.client?.mode === "cli") || (params.client?.id === "gateway-client" && params.client?.mode === "backend");
    ws.data.scopes = local && Array.isArray(params.scopes) ? params.scopes : [];
    ws.data.open = true;
    ws.send(JSON.stringify({ type: "res", id, ok: true, payload: helloOk(ws.data.scopes, instanceId) }));
    // §2.5: "after it, broadcasts flow (often a health event immediately)".
    for (const event of options.eventsAfterHello ?? [{ type: "event", event: "health", payload: healthPayload(), seq: ++ws.data.seq, stateVersion: { presence: 1, health: 3 } }]) {
      ws.send(JSON.stringify(event));
    }
  }

  function answer(ws: ServerWebSocket<ConnState>, frame: Record<string, unknown>) {
    const id = frame.id as string;
    const method = String(frame.method);
    const ok = (payload: unknown) => ws.send(JSON.stringify({ type: "res", id, ok: true, payload }));
    const fail = (error: Record<string, unknown>) => ws.send(JSON.stringify({ type: "res", id, ok: false, error }));
    const required = SCOPES[method];
    // §3.2: health is exempt; admin allows everything; unknown methods need admin.
    if (method !== "health" && !allows(ws.data.scopes, required ?? "operator.admin")) {
      const scope = required ?? "operator.admin";
      return fail({ code: "FORBIDDEN", message: `missing scope: ${scope}`, details: { code: "MISSING_SCOPE", missingScope: scope, requiredScopes: [scope] } });
    }
    switch (method) {
      case "health":
        return ok(healthPayload(true));
      case "status":
        return ok(statusPayload());
      case "system-presence":
        return ok([selfPresence(instanceId)]);
      case "config.get":
        return ok({ path: "~/.openclaw/openclaw.json", includedPaths: [], exists: false, raw: null, parsed: {}, valid: true, issues: [], warnings: [], hash: "hmac-sha256:v1:x" });
      case "logs.tail":
        return ok({ file: "/tmp/openclaw/openclaw-2026-11-22.log", cursor: 33486, size: 33486, lines: [LOG_LINE, "plain text line"], truncated: true, reset: false });
      case "agent":
        // A two-phase agent call: accepted now, final later, both with the request's id.
        ok({ runId: "run-1", status: "accepted" });
        setTimeout(() => ok({ runId: "run-1", status: "ok", summary: "done" }), 30);
        return;
      case "chat.send":
        return ok({ runId: "k1", status: "started" });
      default:
        return fail({ code: "INVALID_REQUEST", message: `unknown method: ${method}` });
    }
  }

  return {
    url: `ws://127.0.0.1:${server.port}`,
    port: server.port!,
    connects,
    requests,
    closes,
    stop: () => void server.stop(true),
  };
}

/** A TCP listener that accepts and never completes the WebSocket upgrade (a hung peer). */
export function startBlackHole(): { port: number; url: string; stop(): void } {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  return { port: listener.port, url: `ws://127.0.0.1:${listener.port}`, stop: () => listener.stop(true) };
}

const SCOPES: Record<string, string> = {
  status: "operator.read",
  "system-presence": "operator.read",
  "config.get": "operator.read",
  "logs.tail": "operator.read",
  "chat.send": "operator.write",
  agent: "operator.write",
  "config.set": "operator.admin",
};

function allows(granted: string[], required: string): boolean {
  if (granted.includes("operator.admin")) return true;
  if (required === "operator.read" && granted.includes("operator.write")) return true;
  return granted.includes(required);
}

const LOG_LINE = JSON.stringify({
  "0": '{"subsystem":"gateway"}',
  "1": "loading configuration…",
  _meta: { runtime: "node", runtimeVersion: "24.21.0", hostname: "vm", date: "2026-11-22T18:35:59.479Z", logLevelId: 3, logLevelName: "INFO", name: '{"subsystem":"gateway"}', parentNames: ["openclaw"] },
  time: "2026-11-22T18:35:59.479+00:00",
  hostname: "vm",
  message: "loading configuration…",
});

/** §3.3 health payload of an empty install (arrays trimmed). */
function healthPayload(withModelRuntime = false): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    ok: true,
    ts: 1795374925368,
    durationMs: 26,
    plugins: { loaded: ["anthropic", "browser"], errors: [], unavailable: [] },
    configReload: { hotReloadStatus: "active" },
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 1800,
    defaultAgentId: "main",
    agents: [
      {
        agentId: "main",
        isDefault: true,
        heartbeat: { enabled: true, every: "30m", everyMs: 1800000, prompt: "…", target: "owner", ackMaxChars: 300 },
        sessions: { path: "~/.openclaw/agents/main/agent/openclaw-agent.sqlite", count: 0, recent: [] },
      },
    ],
    sessions: { path: "…", count: 0, recent: [] },
    eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1015.0, delayP99Ms: 22.5, delayMaxMs: 22.5, utilization: 0.005, cpuCoreRatio: 0.007 },
  };
  if (withModelRuntime) payload.modelRuntime = { degraded: false, pendingAgents: [] };
  return payload;
}

function statusPayload(): Record<string, unknown> {
  return {
    runtimeVersion: VERSION,
    hostDesktop: { enabled: false, state: "off", port: null },
    heartbeat: { defaultAgentId: "main", agents: [{ agentId: "main", enabled: true, every: "30m", everyMs: 1800000, waitingForRoute: true }] },
    channelSummary: [],
    queuedSystemEvents: [],
    sessions: { paths: [], count: 0, defaults: { model: null, contextTokens: null }, recent: [], byAgent: [{ agentId: "main", path: "[redacted]", count: 0, recent: [] }] },
    pid: 4242,
  };
}

function selfPresence(instanceId: string): Record<string, unknown> {
  return {
    host: "vm",
    ip: "192.0.2.2",
    version: VERSION,
    platform: "linux 6.18.44-fc-v669",
    deviceFamily: "Linux",
    mode: "gateway",
    reason: "self",
    instanceId,
    text: `Gateway: vm (192.0.2.2) · app ${VERSION} · mode gateway · reason self`,
    ts: 1795374925327,
  };
}

/** §2.5 hello-ok (arrays trimmed); the probe-scoped variant has no widget kinds and no updateSchedule. */
function helloOk(scopes: string[], instanceId: string): Record<string, unknown> {
  const withScopes = scopes.length > 0;
  const payload: Record<string, unknown> = {
    type: "hello-ok",
    protocol: 4,
    server: { version: VERSION, buildId: `${VERSION}-release-eb377ac59e6c-2026-09-23T16-33-12.144Z`, bootId: instanceId, controlUiBuildSource: "bundled", connId: crypto.randomUUID() },
    features: { methods: ["health", "status", "system-presence", "config.get", "logs.tail"], events: ["connect.challenge", "agent", "tick", "health"], capabilities: ["board-widget-put-canvas-doc"] },
    snapshot: {
      suspension: { phase: "accepting" },
      presence: [selfPresence(instanceId)],
      health: healthPayload(),
      stateVersion: { presence: 1, health: 2 },
      uptimeMs: 59245,
      appliedConfigHash: "hmac-sha256:v1:4DL4lnDKH6S6sO107lscoWXQBlMOq8dTdtDRMlhY-yE",
      sessionDefaults: { defaultAgentId: "main", modelConfigured: false, ownership: "sole", selectionRequired: false, mainKey: "main", mainSessionKey: "agent:main:main", scope: "per-sender" },
      ...(withScopes ? { updateSchedule: { channel: "stable", autoEnabled: false } } : {}),
    },
    ...(withScopes ? { controlUiWidgetKinds: [{ pluginId: "session", kind: "session:report", label: "Report" }] } : {}),
    pluginSurfaceUrls: { canvas: "http://127.0.0.1:18800/__openclaw__/cap/eUuynSpqFCkcQmJUuSIYZRb9" },
    auth: { method: "token", role: "operator", scopes, recoveryScope: "Ldx0BlfaNcKq-lF0b0I6b-cYoteIwCkfLh-DakWKmBA" },
    policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000, attachments: { maxBytes: 19464192, maxImageBytes: 6291456 }, allowedSessionVisibilities: ["shared", "read-only", "suggest", "draft"], hasMultipleSessionSharingIdentities: false },
  };
  return payload;
}

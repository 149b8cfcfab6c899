#!/usr/bin/env bun
// The ceiling: a bare Bun.serve speaking just enough of protocol v4 (spec §2: connect.challenge → connect →
// hello-ok; `health` answered with a constant; `health {probe:true}` broadcast as a `health` event), plus
// `/health` over HTTP. No imports, no validation, no logging: whatever ours costs above this is ours.
// The harness compiles it with the release flags, so it is measured as a binary of the same runtime.
// The same binary also stands in for the CLI ceiling: `--version` and `health --url U --token T`.

// Shapes and sizes follow our gateway's real frames (hello-ok ≈ 2 KB, health ≈ 0.8 KB), so the bytes on the
// wire are comparable; the content is a constant.
const HEALTH = JSON.stringify({
  ok: true, ts: 0, durationMs: 0, plugins: { loaded: [], errors: [], unavailable: [] },
  configReload: { hotReloadStatus: "active" }, channels: {}, channelOrder: [], channelLabels: {}, heartbeatSeconds: 1800,
  defaultAgentId: "main",
  agents: [{ agentId: "main", isDefault: true, heartbeat: { enabled: false, every: "30m", everyMs: 1800000, target: "owner" },
    sessions: { path: "/tmp/limit-server/sessions/sessions.sqlite", count: 0, recent: [] } }],
  sessions: { path: "/tmp/limit-server/sessions/sessions.sqlite", count: 0, recent: [] },
  eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1000, delayP99Ms: 0, delayMaxMs: 0, utilization: 0, cpuCoreRatio: 0 },
});
const HELLO = JSON.stringify({
  type: "hello-ok", protocol: 4,
  server: { version: "0.0.0", buildId: "limit", bootId: "00000000-0000-4000-8000-000000000000", connId: "00000000-0000-4000-8000-000000000001" },
  features: {
    methods: ["health", "status", "system-presence", "config.get", "config.schema", "config.set", "config.patch", "config.apply",
      "logs.tail", "gateway.restart.request", "gateway.restart", "last-heartbeat", "agent", "agent.wait", "chat.send", "chat.history",
      "chat.abort", "sessions.list", "sessions.preview", "sessions.reset", "sessions.delete", "models.list"],
    events: ["connect.challenge", "tick", "health", "presence", "shutdown", "heartbeat"], capabilities: [],
  },
  snapshot: { presence: [{ host: "limit", version: "0.0.0", platform: "linux", deviceFamily: "Linux", mode: "gateway", reason: "self",
    instanceId: "00000000-0000-4000-8000-000000000000", text: "Gateway: limit · app 0.0.0 · mode gateway · reason self", ts: 0 }],
    health: JSON.parse(HEALTH), stateVersion: { presence: 1, health: 2 }, uptimeMs: 0, appliedConfigHash: "0".repeat(64),
    sessionDefaults: { defaultAgentId: "main", modelConfigured: false, ownership: "sole", selectionRequired: false, mainKey: "main",
      mainSessionKey: "agent:main:main", scope: "per-sender" } },
  auth: { method: "token", role: "operator", scopes: ["operator.read"] },
  policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 },
});
const LIVE = JSON.stringify({ ok: true, status: "live" });

interface Conn { open: boolean; seq: number }
type Frame = { type?: string; id?: string; method?: string; params?: { probe?: boolean; auth?: { token?: string } } };

/** Starts the ceiling server; every accepted socket is tracked for the broadcast. */
function serve(port: number, token: string): void {
  const clients = new Set<Bun.ServerWebSocket<Conn>>();
  let health = HEALTH.replace('"ts":0', `"ts":${Date.now()}`);
  const res = (id: string | undefined, payload: string) => `{"type":"res","id":${JSON.stringify(id)},"ok":true,"payload":${payload}}`;
  const server = Bun.serve<Conn>({
    hostname: "127.0.0.1", port, development: false, reusePort: false,
    fetch(req, srv) {
      if (srv.upgrade(req, { data: { open: false, seq: 0 } })) return undefined;
      if (new URL(req.url).pathname === "/health") return new Response(LIVE, { headers: { "Content-Type": "application/json; charset=utf-8" } });
      return new Response("Not Found", { status: 404 });
    },
    websocket: {
      idleTimeout: 0, sendPings: false, perMessageDeflate: false,
      open(ws) {
        ws.send(`{"type":"event","event":"connect.challenge","payload":{"nonce":"${crypto.randomUUID()}","ts":${Date.now()}}}`);
      },
      message(ws, data) {
        let frame: Frame;
        try { frame = JSON.parse(String(data)) as Frame; } catch { return; }
        if (!ws.data.open) {
          if (frame.method !== "connect" || frame.params?.auth?.token !== token) return ws.close(1008, "unauthorized");
          ws.data.open = true;
          clients.add(ws);
          return void ws.send(res(frame.id, HELLO));
        }
        if (frame.method !== "health") return void ws.send(`{"type":"res","id":${JSON.stringify(frame.id)},"ok":false,"error":{"code":"INVALID_REQUEST","message":"unknown method"}}`);
        // Like ours, the snapshot is cached and only a probe refreshes it (spec §3.3).
        if (frame.params?.probe) {
          health = HEALTH.replace('"ts":0', `"ts":${Date.now()}`);
          for (const c of clients) c.send(`{"type":"event","event":"health","payload":${health},"seq":${++c.data.seq}}`);
        }
        ws.send(res(frame.id, health));
      },
      close(ws) { clients.delete(ws); },
    },
  });
  console.log(`Gateway listening on ws://127.0.0.1:${server.port}`);
}

/** The CLI ceiling: one connection, one `health`, exit 0 (what `openclaw gateway health` does, minus everything else). */
function health(url: string, token: string): void {
  const ws = new WebSocket(url);
  const timer = setTimeout(() => { console.error("timeout"); process.exit(1); }, 10_000);
  ws.onmessage = (event) => {
    const frame = JSON.parse(String(event.data)) as Frame & { event?: string; ok?: boolean };
    if (frame.event === "connect.challenge") {
      ws.send(JSON.stringify({ type: "req", id: "1", method: "connect", params: { minProtocol: 4, maxProtocol: 4,
        client: { id: "cli", version: "0.0.0", platform: "linux", mode: "cli" }, auth: { token }, role: "operator", scopes: ["operator.read"] } }));
    } else if (frame.id === "1") ws.send(JSON.stringify({ type: "req", id: "2", method: "health" }));
    else if (frame.id === "2") { clearTimeout(timer); console.log(frame.ok ? "OK" : "FAILED"); process.exit(frame.ok ? 0 : 1); }
  };
  ws.onerror = () => { console.error("connect failed"); process.exit(1); };
}

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] ?? fallback : fallback; };
if (argv[0] === "--version") console.log("limit-server 0.0.0");
else if (argv[0] === "health") health(flag("url", "ws://127.0.0.1:18789"), flag("token", ""));
else serve(Number(flag("port", "0")), flag("token", ""));

// Interop: every operator command against the independent replay server (the reference gateway's recorded
// frames, tests/client/_replay-server.ts). Asserts the exact connect frame each command sends (spec §2.2),
// the requests that follow (spec §5), and that each command succeeds on the reference's answers.
import { afterEach, describe, expect, test } from "bun:test";
import { VERSION } from "../../src/version.ts";
import { REPLAY_TOKEN, startReplayServer, type ReplayOptions, type ReplayServer } from "../client/_replay-server.ts";
import { cleanupScratch, envFor, run, runJson, stateWithConfig } from "./_helpers.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ALL_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.questions", "operator.pairing", "operator.talk.secrets"];
const servers: ReplayServer[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.stop();
});

function replay(options: ReplayOptions = {}) {
  const server = startReplayServer(options);
  servers.push(server);
  // The CLI's profile points its local gateway (port and token) at the replay server.
  const env = envFor(stateWithConfig({ gateway: { mode: "local", port: server.port, auth: { token: REPLAY_TOKEN } } }));
  return { server, env };
}

/** The reference CLI's connect frame (spec §2.2) for an identity, as raw wire text with uuids masked. */
function referenceConnect(client: { id: string; version: string; mode: string; displayName?: string }, min: number, scopes: string[], auth: Record<string, string> | null = { token: REPLAY_TOKEN }): string {
  const clientJson = JSON.stringify({
    id: client.id,
    ...(client.displayName ? { displayName: client.displayName } : {}),
    version: client.version,
    platform: process.platform,
    deviceFamily: process.platform === "linux" ? "Linux" : process.platform === "darwin" ? "Mac" : process.platform,
    mode: client.mode,
    instanceId: "<uuid>",
  });
  const authJson = auth ? `"auth":${JSON.stringify(auth)},` : "";
  return `{"type":"req","id":"1:<uuid>","method":"connect","params":{"minProtocol":${min},"maxProtocol":4,"client":${clientJson},"caps":[],${authJson}"role":"operator","scopes":${JSON.stringify(scopes)}}}`;
}

const CLI = { id: "cli", version: VERSION, mode: "cli" };
const PROBE = { id: "cli", version: "dev", mode: "probe" };
const backend = (displayName: string) => ({ id: "gateway-client", version: VERSION, mode: "backend", displayName });
const masked = (server: ReplayServer) => server.connects.map((c) => c.raw.replace(UUID, "<uuid>"));
const requests = (server: ReplayServer) => server.requests.map((r) => r.raw.replace(UUID, "<uuid>"));

afterEach(cleanupScratch);

describe("gateway health", () => {
  test("cli/cli, our version, 4..4, operator.read, token; then `health` with no params key", async () => {
    const { server, env } = replay();
    const result = await run(["gateway", "health"], env);
    expect(result).toMatchObject({ code: 0, stdout: "Gateway Health\nOK (26ms)" });
    expect(masked(server)).toEqual([referenceConnect(CLI, 4, ["operator.read"])]);
    expect(requests(server)).toEqual(['{"type":"req","id":"2:<uuid>","method":"health"}']);
  });

  test("--json prints the reference's payload verbatim", async () => {
    const { env } = replay();
    const { code, json } = await runJson(["gateway", "health", "--json"], env);
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, ts: 1795374925368, durationMs: 26, defaultAgentId: "main", modelRuntime: { degraded: false, pendingAgents: [] } });
  });

  test("no token: one cli/probe connect without an auth key, and the reference's explanation", async () => {
    const server = startReplayServer();
    servers.push(server);
    const result = await run(["gateway", "health"], envFor(stateWithConfig({ gateway: { port: server.port } })));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Gateway: reachable\nGateway is reachable, but this CLI has no token/password or paired device token for read-scope health RPCs.");
    expect(masked(server)).toEqual([referenceConnect(PROBE, 3, ["operator.read"], null)]);
  });

  test("wrong token: the reference's refusal text", async () => {
    const { server } = replay();
    const result = await run(["gateway", "health", "--url", server.url, "--token", "nope"], envFor(stateWithConfig({})));
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe("gateway connect failed: GatewayClientRequestError: unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)");
  });

  test("'gateway starting' (UNAVAILABLE, close 1013) is retried after retryAfterMs", async () => {
    const { server, env } = replay({ unavailableFirst: 1 });
    expect((await run(["gateway", "health"], env)).code).toBe(0);
    expect(server.connects.length).toBe(2);
  });
});

describe("gateway call", () => {
  test("least privilege per method; params always sent (default {})", async () => {
    const { server, env } = replay();
    const status = await run(["gateway", "call", "status"], env);
    expect(status.code).toBe(0);
    expect(status.stdout.split("\n")[0]).toBe("Gateway call: status");
    const send = await runJson(["gateway", "call", "chat.send", "--params", '{"sessionKey":"agent:main:main","message":"hi","idempotencyKey":"k1"}', "--json"], env);
    expect(send.json).toEqual({ runId: "k1", status: "started" });
    await run(["gateway", "call", "config.set"], env);
    await run(["gateway", "call", "no.such.method"], env);
    expect(masked(server)).toEqual([
      referenceConnect(CLI, 4, ["operator.read"]),
      referenceConnect(CLI, 4, ["operator.write"]),
      referenceConnect(CLI, 4, ["operator.admin"]),
      referenceConnect(CLI, 4, ALL_SCOPES),
    ]);
    expect(requests(server)[0]).toBe('{"type":"req","id":"2:<uuid>","method":"status","params":{}}');
  });

  test("an error answer: `Gateway call failed: <message>` / the JSON error object", async () => {
    const { env } = replay();
    const result = await run(["gateway", "call", "config.set"], env);
    expect(result).toMatchObject({ code: 1, stderr: "Gateway call failed: unknown method: config.set" });
    const json = await runJson(["gateway", "call", "config.set", "--json"], env);
    expect(json).toMatchObject({ code: 1, json: { ok: false, error: { type: "gateway_request_error", code: "INVALID_REQUEST", message: "unknown method: config.set", retryable: false } } });
  });

  test("--expect-final waits for the final answer of a two-phase agent call", async () => {
    const { env } = replay();
    const final = await runJson(["gateway", "call", "agent", "--params", '{"message":"hi"}', "--expect-final", "--json"], env);
    expect(final.json).toEqual({ runId: "run-1", status: "ok", summary: "done" });
    const accepted = await runJson(["gateway", "call", "agent", "--params", '{"message":"hi"}', "--json"], env);
    expect(accepted.json).toEqual({ runId: "run-1", status: "accepted" });
  });
});

describe("gateway probe and gateway status", () => {
  test("probe: cli/probe, version dev, 3..4, then health/status/system-presence/config.get", async () => {
    const { server, env } = replay();
    const { code, json } = await runJson(["gateway", "probe", "--json"], env);
    expect(code).toBe(0);
    expect(masked(server)).toEqual([referenceConnect(PROBE, 3, ["operator.read"])]);
    expect(server.requests.map((r) => r.frame.method).sort()).toEqual(["config.get", "health", "status", "system-presence"]);
    // The reference answers a probe connect with scopes [] → connect-only, read probe limited (spec §5).
    expect(json).toMatchObject({ ok: true, degraded: true, capability: "connected_no_operator_scope" });
    expect(json.targets[0]).toMatchObject({ server: { version: "2026.9.6" }, self: { host: "vm", ip: "192.0.2.2" }, connect: { ok: true, scopeLimited: true } });
    const human = await run(["gateway", "probe"], env);
    expect(human.stdout).toContain("Gateway: vm (192.0.2.2) · linux 6.18.44-fc-v669 · app 2026.9.6");
  });

  test("status: one cli/probe connect closed right after hello-ok, no RPC", async () => {
    const { server, env } = replay();
    const { code, json } = await runJson(["gateway", "status", "--json"], env);
    expect(code).toBe(0);
    expect(json.rpc).toMatchObject({ ok: true, kind: "connect", capability: "connected_no_operator_scope", server: { version: "2026.9.6", buildId: "2026.9.6-release-eb377ac59e6c-2026-09-23T16-33-12.144Z" } });
    expect(json.gateway.version).toBe("2026.9.6");
    expect(masked(server)).toEqual([referenceConnect(PROBE, 3, ["operator.read"])]);
    expect(server.requests).toEqual([]);
  });

  test("status --require-rpc: gateway-client/backend `gateway:status` → status", async () => {
    const { server, env } = replay();
    const { code, json } = await runJson(["gateway", "status", "--require-rpc", "--json"], env);
    expect(code).toBe(0);
    expect(json.rpc).toMatchObject({ ok: true, kind: "read", runtimeVersion: "2026.9.6" });
    expect(masked(server)).toEqual([referenceConnect(backend("gateway:status"), 4, ["operator.read"])]);
    expect(server.requests.map((r) => r.frame.method)).toEqual(["status"]);
  });
});

describe("openclaw status, health and logs", () => {
  test("status (with a config): cli/cli → health, cli/probe → system-presence, backend → status with the CLI projection", async () => {
    const { server, env } = replay();
    const { code, json } = await runJson(["status", "--json"], env);
    expect(code).toBe(0);
    expect(json.gateway).toMatchObject({ reachable: true, version: "2026.9.6", self: { host: "vm" } });
    expect(json.sessions.count).toBe(0);
    expect(masked(server).sort()).toEqual(
      [referenceConnect(PROBE, 3, ["operator.read"]), referenceConnect(backend("gateway:status"), 4, ["operator.read"]), referenceConnect(CLI, 4, ["operator.read"])].sort(),
    );
    const byMethod = Object.fromEntries(server.requests.map((r) => [r.frame.method, r.frame.params]));
    expect(byMethod).toEqual({ health: undefined, "system-presence": undefined, status: { includeChannelSummary: false, includeCliProjection: true } });
  });

  test("status --all: the probe and the backend status only", async () => {
    const { server, env } = replay();
    expect((await run(["status", "--all"], env)).code).toBe(0);
    expect(server.connects.length).toBe(2);
    const byMethod = Object.fromEntries(server.requests.map((r) => [r.frame.method, r.frame.params]));
    expect(byMethod).toEqual({ "system-presence": undefined, status: { includeChannelSummary: false } });
  });

  test("openclaw health: cli/cli → health; prints the agents and session store", async () => {
    const { server, env } = replay();
    const result = await run(["health"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Agents: main (default)\nHeartbeat interval: 30m (main)\nSession store (main): ~/.openclaw/agents/main/agent/openclaw-agent.sqlite (0 entries)");
    expect(masked(server)).toEqual([referenceConnect(CLI, 4, ["operator.read"])]);
  });

  test("logs --url: cli/cli → logs.tail {limit, maxBytes}; tslog records parsed, raw lines kept", async () => {
    const { server } = replay();
    const result = await run(["logs", "--url", server.url, "--token", REPLAY_TOKEN, "--utc"], envFor(stateWithConfig({})));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Log file: /tmp/openclaw/openclaw-2026-11-22.log\n2026-11-22T18:35:59.479Z INFO  [gateway] loading configuration…\nplain text line");
    expect(masked(server)).toEqual([referenceConnect(CLI, 4, ["operator.read"])]);
    expect(requests(server)).toEqual(['{"type":"req","id":"2:<uuid>","method":"logs.tail","params":{"limit":200,"maxBytes":250000}}']);
  });

  test("logs (implicit local): gateway-client/backend `gateway:logs.tail`; --json records", async () => {
    const { server, env } = replay();
    const { stdout, code } = await run(["logs", "--json", "--limit", "10"], env);
    expect(code).toBe(0);
    const records = stdout.split("\n").map((l) => JSON.parse(l));
    expect(records).toEqual([
      { type: "meta", file: "/tmp/openclaw/openclaw-2026-11-22.log", sourceKind: "file", cursor: 33486, size: 33486 },
      { type: "log", time: "2026-11-22T18:35:59.479+00:00", level: "info", subsystem: "gateway", message: "loading configuration…", raw: expect.any(String) },
      { type: "raw", raw: "plain text line" },
    ]);
    expect(masked(server)).toEqual([referenceConnect(backend("gateway:logs.tail"), 4, ["operator.read"])]);
  });
});

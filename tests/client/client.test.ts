// The gateway client against the replay server (the reference's recorded frames) and a spawned gateway.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClient } from "../../src/client/client.ts";
import { Deadline } from "../../src/client/deadline.ts";
import { GatewayClientError } from "../../src/client/errors.ts";
import { CLI_IDENTITY, PROBE_IDENTITY } from "../../src/client/identity.ts";
import { callOnce, planCall } from "../../src/client/session.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { REPLAY_TOKEN, startBlackHole, startReplayServer, type ReplayServer } from "./_replay-server.ts";

const ID = /^(\d+):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const servers: { stop(): void }[] = [];
let gw: SpawnedGateway;

function replay(options: Parameters<typeof startReplayServer>[0] = {}): ReplayServer {
  const server = startReplayServer(options);
  servers.push(server);
  return server;
}

function connect(url: string, extra: Partial<Parameters<typeof GatewayClient.connect>[0]> = {}) {
  return GatewayClient.connect({ url, identity: CLI_IDENTITY, scopes: ["operator.read"], auth: { token: REPLAY_TOKEN }, deadline: Deadline.after(5000), ...extra });
}

async function failure(promise: Promise<unknown>): Promise<GatewayClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayClientError) return error;
    throw error;
  }
  throw new Error("expected a GatewayClientError");
}

beforeAll(async () => {
  gw = await spawnGateway();
});
afterAll(async () => {
  for (const s of servers) s.stop();
  await stopAllGateways();
});

describe("handshake and requests (replay server)", () => {
  test("waits for the challenge, connects with id 1:<uuid>, then requests 2:, 3: … (no params key when none)", async () => {
    const server = replay();
    const client = await connect(server.url);
    expect(client.hello.type).toBe("hello-ok");
    expect(client.hello.auth?.scopes).toEqual(["operator.read"]);
    await client.request("health", undefined, { deadline: Deadline.after(2000) });
    await client.request("status", {}, { deadline: Deadline.after(2000) });
    await client.close();
    expect(ID.exec(String(server.connects[0]!.frame.id))?.[1]).toBe("1");
    expect(server.requests.map((r) => ID.exec(String(r.frame.id))?.[1])).toEqual(["2", "3"]);
    expect(server.requests[0]!.raw).toMatch(/^\{"type":"req","id":"2:[^"]+","method":"health"\}$/);
    expect(server.requests[1]!.frame.params).toEqual({});
  });

  test("a normal close is an empty close frame (the server sees 1005)", async () => {
    const server = replay();
    const client = await connect(server.url);
    await client.close();
    await Bun.sleep(20);
    expect(server.closes).toEqual([{ connId: expect.any(Number), code: 1005, reason: "" }]);
  });

  test("a refused connect throws kind connect with the gateway's code and details, and closes 1008 'connect failed'", async () => {
    const server = replay();
    const error = await failure(connect(server.url, { auth: { token: "wrong" } }));
    expect(error.kind).toBe("connect");
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.detailCode).toBe("AUTH_TOKEN_MISMATCH");
    expect(error.message).toBe("unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)");
    await Bun.sleep(30);
    // The server closes 1008 itself ~5 ms later; whichever close frame wins, it is a policy close.
    expect(server.closes[0]?.code).toBe(1008);
  });

  test("method errors throw kind request; the connection stays usable", async () => {
    const client = await connect(replay().url);
    const error = await failure(client.request("config.set", {}, { deadline: Deadline.after(2000) }));
    expect(error).toMatchObject({ kind: "request", code: "FORBIDDEN", message: "missing scope: operator.admin" });
    expect(await client.request("health", undefined, { deadline: Deadline.after(2000) })).toMatchObject({ ok: true, durationMs: 26 });
    await client.close();
  });

  test("UNAVAILABLE (gateway starting) is retried after retryAfterMs on a new socket", async () => {
    const server = replay({ unavailableFirst: 1 });
    const client = await connect(server.url);
    expect(client.hello.type).toBe("hello-ok");
    expect(server.connects.length).toBe(2);
    expect(new Set(server.connects.map((c) => c.connId)).size).toBe(2);
    // Ids count from 1 again on the new connection.
    expect(String(server.connects[1]!.frame.id)).toMatch(/^1:/);
    await client.close();
  });

  test("UNAVAILABLE whose retryAfterMs does not fit in the deadline is reported, not retried", async () => {
    const server = replay({ unavailableFirst: 5 });
    const error = await failure(connect(server.url, { deadline: Deadline.after(300) }));
    expect(error).toMatchObject({ kind: "connect", code: "UNAVAILABLE", retryAfterMs: 500 });
    expect(server.connects.length).toBe(1);
  });

  test("event seq gaps are detected and reported, not fatal", async () => {
    const events = [1, 2, 5].map((seq) => ({ type: "event", event: "tick", payload: { ts: seq }, seq }));
    const gaps: unknown[] = [];
    const seen: number[] = [];
    const client = await connect(replay({ eventsAfterHello: events }).url, { onGap: (gap) => gaps.push(gap), onEvent: (e) => seen.push(e.seq!) });
    await client.request("health", undefined, { deadline: Deadline.after(2000) });
    expect(seen).toEqual([1, 2, 5]);
    expect(gaps).toEqual([{ expected: 3, received: 5, event: "tick" }]);
    expect(client.gaps.length).toBe(1);
    await client.close();
  });

  test("expectFinal skips the accepted answer of a two-phase call and resolves with the final one", async () => {
    const client = await connect(replay().url, { scopes: ["operator.write"] });
    const accepted: unknown[] = [];
    const final = await client.request("agent", { message: "hi" }, { deadline: Deadline.after(2000), expectFinal: true, onAccepted: (p) => accepted.push(p) });
    expect(accepted).toEqual([{ runId: "run-1", status: "accepted" }]);
    expect(final).toEqual({ runId: "run-1", status: "ok", summary: "done" });
    expect(await client.request("agent", {}, { deadline: Deadline.after(2000) })).toEqual({ runId: "run-1", status: "accepted" });
    await client.close();
  });
});

describe("failures before hello", () => {
  test("nothing listening → kind unreachable, 'gateway not reachable at <url>'", async () => {
    const hole = startBlackHole();
    const port = hole.port;
    hole.stop();
    const error = await failure(connect(`ws://127.0.0.1:${port}`, { deadline: Deadline.after(30_000) }));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe(`gateway not reachable at ws://127.0.0.1:${port}`);
  });

  test("a socket that never sends the challenge → kind timeout within the deadline", async () => {
    const error = await failure(connect(replay({ silent: true }).url, { deadline: Deadline.after(300) }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("connect.challenge");
  });

  test("a TCP peer that never completes the upgrade → kind timeout", async () => {
    const hole = startBlackHole();
    servers.push(hole);
    const error = await failure(connect(hole.url, { deadline: Deadline.after(300) }));
    expect(error.kind).toBe("timeout");
  });
});

describe("against a spawned gateway", () => {
  test("health over cli/cli; status needs operator.read and gets it", async () => {
    const { payload, client } = await callOnce<{ ok: boolean }>({
      url: gw.url,
      auth: { token: gw.token },
      plan: planCall({ token: gw.token }, "health", CLI_IDENTITY),
      method: "health",
      deadline: Deadline.after(5000),
    });
    expect(payload.ok).toBe(true);
    expect(client.hello.auth?.scopes).toEqual(["operator.read"]);
  });

  test("no secret → the probe identity without auth → NOT_PAIRED", async () => {
    expect(planCall(undefined, "health", CLI_IDENTITY)).toEqual({ identity: PROBE_IDENTITY, scopes: ["operator.read"] });
    const error = await failure(connect(gw.url, { identity: PROBE_IDENTITY, auth: undefined }));
    expect(error).toMatchObject({ kind: "connect", code: "NOT_PAIRED", message: "device identity required" });
  });

  test("live events arrive through subscribe (a forced health refresh broadcasts before the response)", async () => {
    const client = await connect(gw.url, { auth: { token: gw.token } });
    const events: string[] = [];
    client.subscribe((e) => events.push(e.event));
    await client.request("health", { probe: true }, { deadline: Deadline.after(2000) });
    expect(events).toContain("health");
    await client.close();
  });
});

describe("wss:// certificate pinning", () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-tls-"));
  let wss: ReturnType<typeof Bun.serve>;
  let fingerprint = "";
  afterAll(() => {
    wss?.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(() => {
    const gen = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=openclaw-test"], { stderr: "ignore" });
    if (gen.exitCode !== 0) return;
    const fp = Bun.spawnSync(["openssl", "x509", "-in", join(dir, "cert.pem"), "-noout", "-fingerprint", "-sha256"]);
    fingerprint = fp.stdout.toString().trim().split("=")[1] ?? "";
    // A TLS front to the replay protocol: only the challenge, enough to prove the socket opened.
    wss = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: Bun.file(join(dir, "cert.pem")), key: Bun.file(join(dir, "key.pem")) },
      fetch: (req, srv) => (srv.upgrade(req, { data: undefined }) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        open: (ws) => {
          ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: crypto.randomUUID(), ts: Date.now() } }));
        },
        message: (ws, data) => {
          const frame = JSON.parse(String(data));
          ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload: { type: "hello-ok", protocol: 4, auth: { role: "operator", scopes: [] } } }));
        },
      },
    });
  });

  test("the pinned fingerprint (any spelling) is accepted for a self-signed certificate", async () => {
    if (!fingerprint) return;
    const pin = fingerprint.replaceAll(":", "").toLowerCase();
    const client = await connect(`wss://127.0.0.1:${wss.port}`, { tlsFingerprint: `sha256:${pin}` });
    expect(client.hello.type).toBe("hello-ok");
    await client.close();
  });

  test("a different fingerprint is refused with kind tls, before connect is sent", async () => {
    if (!fingerprint) return;
    const error = await failure(connect(`wss://127.0.0.1:${wss.port}`, { tlsFingerprint: "AB".repeat(32) }));
    expect(error.kind).toBe("tls");
    expect(error.message).toContain("TLS certificate fingerprint mismatch");
  });

  test("without a pin, a self-signed certificate is not trusted", async () => {
    if (!fingerprint) return;
    const error = await failure(connect(`wss://127.0.0.1:${wss.port}`));
    expect(error.kind).toBe("unreachable");
  });
});

// Protocol v4 handshake against a spawned gateway: the reference CLI's frames (spec §2.2) and every §2.7 row.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake, openSocket } from "../helpers/ws.ts";

let gw: SpawnedGateway;
let pw: SpawnedGateway;

beforeAll(async () => {
  [gw, pw] = await Promise.all([
    spawnGateway(),
    spawnGateway({ token: null, config: { gateway: { auth: { mode: "password", password: "hunter2-password" } } } }),
  ]);
});
afterAll(stopAllGateways);

describe("the reference CLI's connect frames", () => {
  test("cli/cli with token: hello-ok with every required field and the requested scopes", async () => {
    const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }));
    expect(hello.ok).toBe(true);
    const p = hello.payload;
    expect(p.type).toBe("hello-ok");
    expect(p.protocol).toBe(4);
    expect(typeof p.server.version).toBe("string");
    expect(typeof p.server.connId).toBe("string");
    expect(p.features.methods).toContain("health");
    expect(p.features.methods).toContain("logs.tail");
    // The reference's Control UI calls cron.list and cron.status on load (issue 18).
    expect(p.features.methods).toEqual(expect.arrayContaining(["cron.list", "cron.status", "wake", "last-heartbeat"]));
    expect(p.features.events).toEqual(expect.arrayContaining(["cron", "heartbeat"]));
    expect(p.features.events).toEqual(expect.arrayContaining(["tick", "health", "presence", "shutdown"]));
    expect(Array.isArray(p.snapshot.presence)).toBe(true);
    expect(p.snapshot.presence[0].reason).toBe("self");
    expect(p.snapshot.health.ok).toBe(true);
    expect(p.snapshot.health.modelRuntime).toBeUndefined();
    expect(p.snapshot.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    expect(typeof p.snapshot.uptimeMs).toBe("number");
    expect(p.auth).toEqual({ method: "token", role: "operator", scopes: ["operator.read"] });
    expect(p.policy).toEqual({ maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 });
    socket.close();
  });

  test("the challenge comes first, with a nonce and ts and no seq", async () => {
    const socket = openSocket(gw.url);
    const challenge = await socket.next(() => true);
    expect(challenge.event).toBe("connect.challenge");
    expect(challenge.payload.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof challenge.payload.ts).toBe("number");
    expect(challenge.seq).toBeUndefined();
    socket.close();
  });

  test("token sent in auth.password is accepted as the shared secret", async () => {
    const { socket, hello } = await handshake(gw.url, connectParams({ auth: { password: gw.token } }));
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth.method).toBe("token");
    socket.close();
  });

  test("no scopes key → scopes []; health still answered", async () => {
    const params = connectParams({ auth: { token: gw.token } });
    delete params.scopes;
    const { socket, hello } = await handshake(gw.url, params);
    expect(hello.payload.auth.scopes).toEqual([]);
    const health = await socket.request("health");
    expect(health.ok).toBe(true);
    socket.close();
  });

  test("cli/probe with protocol 3..4 and version dev → hello-ok with scopes []", async () => {
    const params = connectParams({ minProtocol: 3, auth: { token: gw.token } });
    params.client = { id: "cli", version: "dev", platform: "linux", mode: "probe" };
    const { socket, hello } = await handshake(gw.url, params);
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth.scopes).toEqual([]);
    socket.close();
  });

  test("gateway-client/backend keeps admin scope; admin hello adds configPath", async () => {
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.admin"] });
    params.client = { id: "gateway-client", version: "2026.9.6", platform: "linux", mode: "backend", displayName: "gateway:status" };
    const { socket, hello } = await handshake(gw.url, params);
    expect(hello.payload.auth.scopes).toEqual(["operator.admin"]);
    expect(hello.payload.snapshot.configPath).toBe(gw.configPath);
    socket.close();
  });

  test("a UI client enters presence and gets scopes []", async () => {
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.admin"] });
    params.client = { id: "openclaw-macos", version: "2026.9.6", platform: "macos", mode: "ui", instanceId: "ui-instance-1" };
    const { socket, hello } = await handshake(gw.url, params);
    expect(hello.payload.auth.scopes).toEqual([]);
    const { socket: admin } = await handshake(gw.url, connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] }));
    const presence = await admin.request("system-presence");
    expect(presence.payload.some((e: any) => e.instanceId === "ui-instance-1" && e.mode === "ui")).toBe(true);
    socket.close();
    const event = await admin.next((f) => f.event === "presence" && !f.payload.presence.some((e: any) => e.instanceId === "ui-instance-1"));
    expect(event.stateVersion?.presence).toBeGreaterThan(1);
    admin.close();
  });

  test("local cli with an Origin header of the gateway itself → hello-ok with scopes []", async () => {
    const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }), { Origin: gw.httpUrl });
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth.scopes).toEqual([]);
    socket.close();
  });

  test("password mode: password accepted, method password", async () => {
    const { socket, hello } = await handshake(pw.url, connectParams({ auth: { password: "hunter2-password" } }));
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth.method).toBe("password");
    socket.close();
  });

  test("a request pipelined right behind connect is answered after hello", async () => {
    const socket = openSocket(gw.url);
    await socket.opened;
    socket.send({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: gw.token } }) });
    socket.send({ type: "req", id: "h1", method: "health" });
    expect((await socket.response("c1")).ok).toBe(true);
    expect((await socket.response("h1")).ok).toBe(true);
    socket.close();
  });

  test("a binary frame carrying JSON is accepted like text", async () => {
    const socket = openSocket(gw.url);
    await socket.next((f) => f.event === "connect.challenge");
    socket.sendRaw(new TextEncoder().encode(JSON.stringify({ type: "req", id: "b1", method: "connect", params: connectParams({ auth: { token: gw.token } }) })));
    expect((await socket.response("b1")).ok).toBe(true);
    socket.close();
  });
});

/** Sends one first frame and returns the response (if any) and the close. */
async function firstFrame(url: string, frame: unknown, headers: Record<string, string> = {}) {
  const socket = openSocket(url, headers);
  await socket.next((f) => f.event === "connect.challenge");
  socket.sendRaw(typeof frame === "string" ? frame : JSON.stringify(frame));
  const close = await socket.closed;
  const response = socket.frames.find((f) => f.type === "res");
  return { response, close };
}

const connectReq = (params: unknown) => ({ type: "req", id: "r1", method: "connect", params });

describe("handshake failures (spec §2.7)", () => {
  test("first request other than connect", async () => {
    const { response, close } = await firstFrame(gw.url, { type: "req", id: "r1", method: "health" });
    expect(response).toEqual({ type: "res", id: "r1", ok: false, error: { code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" } });
    expect(close).toEqual({ code: 1008, reason: "invalid handshake: first request must be connect" });
  });

  test("first frame is an event", async () => {
    const { response, close } = await firstFrame(gw.url, { type: "event", event: "x" });
    expect(response).toBeUndefined();
    expect(close).toEqual({ code: 1008, reason: "invalid request frame" });
  });

  test("malformed JSON before connect → 1000, empty reason", async () => {
    const { response, close } = await firstFrame(gw.url, "{not json");
    expect(response).toBeUndefined();
    expect(close).toEqual({ code: 1000, reason: "" });
  });

  test("frame over 64 KiB before connect → 1009", async () => {
    const { close } = await firstFrame(gw.url, JSON.stringify({ type: "req", id: "r1", method: "connect", params: { pad: "x".repeat(72_000) } }));
    expect(close.code).toBe(1009);
  });

  for (const [min, max] of [[1, 3], [5, 6]]) {
    test(`protocol range ${min}..${max} → PROTOCOL_MISMATCH, close 1002`, async () => {
      const { response, close } = await firstFrame(gw.url, connectReq(connectParams({ minProtocol: min, maxProtocol: max, auth: { token: gw.token } })));
      expect(response!.error).toEqual({
        code: "INVALID_REQUEST",
        message: "protocol mismatch",
        details: { code: "PROTOCOL_MISMATCH", clientMinProtocol: min, clientMaxProtocol: max, expectedProtocol: 4, minimumProbeProtocol: 3 },
      });
      expect(close).toEqual({ code: 1002, reason: "protocol mismatch" });
    });
  }

  test("range 1..9 → hello-ok with protocol 4", async () => {
    const { socket, hello } = await handshake(gw.url, connectParams({ minProtocol: 1, maxProtocol: 9, auth: { token: gw.token } }));
    expect(hello.payload.protocol).toBe(4);
    socket.close();
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["missing client", { client: undefined }, "invalid connect params: must have required property 'client'"],
    ["bad client.id", { client: { id: "nope", version: "1", platform: "linux", mode: "cli" } }, "invalid connect params: at /client/id: must be equal to one of the allowed values"],
    ["bad client.mode", { client: { id: "cli", version: "1", platform: "linux", mode: "nope" } }, "invalid connect params: at /client/mode: must be equal to one of the allowed values"],
    ["extra key", { bogus: 1 }, "invalid connect params: at root: unexpected property 'bogus'"],
  ];
  for (const [name, override, message] of invalid) {
    test(`${name} → INVALID_REQUEST, close 1008 with the message`, async () => {
      const params = connectParams({ auth: { token: gw.token }, ...override });
      if ("client" in override && override.client === undefined) delete params.client;
      const { response, close } = await firstFrame(gw.url, connectReq(params));
      expect(response!.error).toEqual({ code: "INVALID_REQUEST", message });
      expect(close).toEqual({ code: 1008, reason: message });
    });
  }

  test("wrong token (cli) → AUTH_TOKEN_MISMATCH with the reference's details", async () => {
    const { response, close } = await firstFrame(gw.url, connectReq(connectParams({ auth: { token: "wrong" } })));
    const message = "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)";
    expect(response!.error).toEqual({
      code: "INVALID_REQUEST",
      message,
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
    expect(close).toEqual({ code: 1008, reason: message });
  });

  test("wrong token (probe) → message ends (provide gateway auth token)", async () => {
    const params = connectParams({ minProtocol: 3, auth: { token: "wrong-again" } });
    params.client = { id: "cli", version: "dev", platform: "linux", mode: "probe" };
    const { response } = await firstFrame(gw.url, connectReq(params));
    expect(response!.error!.message).toBe("unauthorized: gateway token mismatch (provide gateway auth token)");
  });

  test("no auth and no device → NOT_PAIRED device identity required", async () => {
    const { response, close } = await firstFrame(gw.url, connectReq(connectParams()));
    expect(response!.error).toEqual({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    expect(close).toEqual({ code: 1008, reason: "device identity required" });
  });

  test("node role with a token but no device → NOT_PAIRED", async () => {
    const params = connectParams({ role: "node", auth: { token: gw.token } });
    params.client = { id: "node-host", version: "1", platform: "linux", mode: "node" };
    const { response } = await firstFrame(gw.url, connectReq(params));
    expect(response!.error!.code).toBe("NOT_PAIRED");
  });

  test("foreign Origin → CONTROL_UI_ORIGIN_NOT_ALLOWED, close 1008", async () => {
    const { response, close } = await firstFrame(gw.url, connectReq(connectParams({ auth: { token: gw.token } })), { Origin: "http://evil.example" });
    const message = "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)";
    expect(response!.error).toEqual({ code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" } });
    expect(close.code).toBe(1008);
    expect(message.startsWith(close.reason)).toBe(true);
  });

  test("no frame at all → closed 1000 after the handshake timeout", async () => {
    const quick = await spawnGateway({ env: { OPENCLAW_HANDSHAKE_TIMEOUT_MS: "300" } });
    const socket = openSocket(quick.url);
    expect(await socket.closed).toEqual({ code: 1000, reason: "" });
  });
});

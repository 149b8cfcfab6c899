// Setup codes on the real gateway: `device.pair.setupCode` (admin) mints a short-lived single-use bootstrap token
// inside a base64url setup code; a node presenting it (signed device, no shared secret) is paired with the code's
// profile — node token plus an operator handoff token — even where local auto-approval is off; a spent, foreign or
// made-up token is refused with the reference's error; the store keeps only hashes, 0600.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "./_device.ts";

let gw: SpawnedGateway;
let admin: TestSocket;
const SETUP_REJECTED = "unauthorized: setup code invalid, expired, revoked, or already used (create a new code; review `openclaw devices list`)";
const nodeClient = { id: "openclaw-android", version: "2026.9.6", platform: "android", deviceFamily: "Android", mode: "node", displayName: "pixel" };
const decode = (code: string) => JSON.parse(Buffer.from(code, "base64url").toString("utf8"));

beforeAll(async () => {
  gw = await spawnGateway({ config: { gateway: { nodes: { pairing: { autoApproveLocal: false } } } } });
  admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
});

afterAll(async () => {
  admin?.close();
  await gw?.stop();
});

describe("device.pair.setupCode", () => {
  test("mints a code for the requested URL with the profile the transport allows", async () => {
    const loopback = await admin.request("device.pair.setupCode", { publicUrl: gw.url });
    expect(loopback.payload).toEqual({
      setupId: expect.any(String),
      expiresAtMs: expect.any(Number),
      setupCode: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      gatewayUrl: gw.url,
      auth: "token",
      urlSource: "request.publicUrl",
      access: "full",
    });
    const payload = decode(loopback.payload.setupCode);
    expect(payload).toEqual({ url: gw.url, bootstrapToken: expect.any(String), expiresAtMs: loopback.payload.expiresAtMs });
    expect(payload.bootstrapToken).not.toBe(gw.token);

    const lan = await admin.request("device.pair.setupCode", { publicUrl: "ws://192.168.1.20:18789" });
    expect(lan.payload).toMatchObject({ gatewayUrl: "ws://192.168.1.20:18789", access: "limited", accessDowngraded: true });
    expect((await admin.request("device.pair.setupCode", { publicUrl: "wss://gw.example.com", bootstrapProfile: "node" })).payload).toMatchObject({ gatewayUrl: "wss://gw.example.com", access: "node" });
    expect((await admin.request("device.pair.setupCode", { publicUrl: "ws://203.0.113.5:18789" })).error?.message).toStartWith("Tailscale and public mobile pairing require a secure gateway URL (wss://)");
    expect((await admin.request("device.pair.setupCode", {})).error?.message).toBe("Gateway is only bound to loopback. Set gateway.bind=lan, enable tailscale serve, or configure plugins.entries.device-pair.config.publicUrl.");
    expect((await admin.request("device.pair.setupCode", { bootstrapProfile: "root" })).error?.code).toBe("INVALID_REQUEST");

    const pairing = await connectOperator(gw.url, gw.token, ["operator.pairing", "operator.write"]);
    expect((await pairing.request("device.pair.setupCode", { publicUrl: gw.url })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    pairing.close();

    // Only hashes rest on disk, in a 0600 file.
    const file = join(gw.stateDir, "devices", "bootstrap.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).not.toContain(payload.bootstrapToken);
  });
});

describe("connect with a bootstrap token", () => {
  test("pairs the node with the code's profile (node + operator handoff), once", async () => {
    const minted = (await admin.request("device.pair.setupCode", { publicUrl: gw.url })).payload;
    const { bootstrapToken } = decode(minted.setupCode);
    expect((await admin.request("device.pair.setupStatus", { setupId: minted.setupId })).payload).toEqual({});
    const device = makeDevice();
    const params = connectParams({ client: nodeClient, role: "node", scopes: [], commands: ["device.info", "location.get"], auth: { bootstrapToken } });
    const { socket, hello } = await deviceHandshake(gw.url, params, device);
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth).toMatchObject({ role: "node", scopes: [], deviceToken: expect.any(String) });
    const handoff = hello.payload.auth.deviceTokens;
    expect(handoff).toEqual([{ deviceToken: expect.any(String), role: "operator", scopes: ["operator.admin", "operator.approvals", "operator.questions", "operator.read", "operator.talk.secrets", "operator.write"], issuedAtMs: expect.any(Number) }]);

    const completion = { setupId: minted.setupId, deviceId: device.id, deviceName: "pixel", access: "full", ts: expect.any(Number) };
    expect((await admin.next((f) => f.event === "device.pair.setup.completed")).payload).toEqual(completion);
    expect((await admin.request("device.pair.setupStatus", { setupId: minted.setupId })).payload).toEqual({ completion });
    const paired = (await admin.request("device.pair.list", {})).payload.paired.find((d: any) => d.deviceId === device.id);
    expect(paired.roles.sort()).toEqual(["node", "operator"]);
    // The first surface is approved by the code: the node's commands run without `nodes approve`.
    const row = (await admin.request("node.list", {})).payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(row).toMatchObject({ connected: true, approvalState: "approved", commands: ["device.info", "location.get"] });

    // The handoff token admits the same device as an operator.
    const operator = await deviceHandshake(gw.url, connectParams({ client: { ...nodeClient, mode: "ui" }, role: "operator", scopes: ["operator.read"], auth: { deviceToken: handoff[0].deviceToken } }), device);
    expect(operator.hello.ok).toBe(true);
    operator.socket.close();

    // Spent: the same code for another device is refused with the reference's error, as is a made-up one.
    for (const token of [bootstrapToken, "not-a-real-token"]) {
      const other = await deviceHandshake(gw.url, connectParams({ client: nodeClient, role: "node", scopes: [], auth: { bootstrapToken: token } }), makeDevice());
      expect(other.hello.error).toMatchObject({ code: "INVALID_REQUEST", message: SETUP_REJECTED, details: { code: "AUTH_BOOTSTRAP_TOKEN_INVALID" } });
    }
    socket.close();
  });

  test("a limited code hands off no admin; a node-only code no operator token", async () => {
    for (const [profile, expected] of [["limited", ["operator.approvals", "operator.questions", "operator.read", "operator.talk.secrets", "operator.write"]], ["node", undefined]] as const) {
      const code = (await admin.request("device.pair.setupCode", { publicUrl: gw.url, bootstrapProfile: profile })).payload.setupCode;
      const { hello, socket } = await deviceHandshake(gw.url, connectParams({ client: nodeClient, role: "node", scopes: [], auth: { bootstrapToken: decode(code).bootstrapToken } }), makeDevice());
      expect(hello.ok).toBe(true);
      expect(hello.payload.auth.deviceTokens?.[0]?.scopes).toEqual(expected);
      socket.close();
    }
  });
});

// `openclaw devices …` and `openclaw nodes …` against the real gateway: --json prints the RPC payloads as the
// reference CLI does; approve/reject act; a node answers `nodes invoke`.
import { renderUnicodeCompact } from "uqr";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, tempHome } from "../helpers/cli.ts";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";

let gw: SpawnedGateway;
const home = tempHome();
let flags: string[];
const env = () => ({ HOME: home.home, NO_COLOR: "1" });

beforeAll(async () => {
  // echo.test is no platform default: the command policy admits it only through gateway.nodes.commands.allow.
  gw = await spawnGateway({ config: { gateway: { nodes: { commands: { allow: ["echo.test"] } } } } });
  flags = ["--url", gw.url, "--token", gw.token];
});
afterAll(async () => {
  await gw?.stop();
  home.cleanup();
});

/** A device that waits for approval (a browser Origin on a CLI client is never approved silently). */
async function pendingDevice(): Promise<{ requestId: string; deviceId: string }> {
  const device = makeDevice();
  const { hello } = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] }), device, {}, { Origin: `http://127.0.0.1:${gw.port}` });
  return { requestId: hello.error!.details.requestId, deviceId: device.id };
}

describe("openclaw devices", () => {
  test("list --json, approve, reject, rename, rotate, revoke, remove", async () => {
    const a = await pendingDevice();
    const b = await pendingDevice();
    const listed = await cli(["devices", "list", "--json", ...flags], env());
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout);
    expect(Object.keys(list)).toEqual(["pending", "paired"]);
    expect(list.pending.map((p: any) => p.requestId)).toEqual(expect.arrayContaining([a.requestId, b.requestId]));

    const approved = await cli(["devices", "approve", a.requestId, "--json", ...flags], env());
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ requestId: a.requestId, device: { deviceId: a.deviceId } });
    const rejected = await cli(["devices", "reject", b.requestId, ...flags], env());
    expect(rejected).toMatchObject({ code: 0, stdout: `Rejected ${b.deviceId}` });
    const again = await cli(["devices", "reject", b.requestId, "--json", ...flags], env());
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toMatchObject({ code: "INVALID_REQUEST", message: "unknown requestId" });

    expect((await cli(["devices", "rename", "--device", a.deviceId, "--name", "Kitchen", ...flags], env())).stdout).toBe(`Renamed ${a.deviceId} → Kitchen`);
    const listedText = await cli(["devices", "list", ...flags], env());
    expect(listedText.stdout).toContain("Kitchen");
    const rotated = JSON.parse((await cli(["devices", "rotate", "--device", a.deviceId, "--role", "operator", ...flags], env())).stdout);
    expect(rotated).toMatchObject({ deviceId: a.deviceId, role: "operator", scopes: ["operator.read"], tokenDelivery: "withheld-cross-device" });
    const revoked = JSON.parse((await cli(["devices", "revoke", "--device", a.deviceId, "--role", "operator", ...flags], env())).stdout);
    expect(revoked).toMatchObject({ deviceId: a.deviceId, role: "operator" });
    expect(JSON.parse((await cli(["devices", "remove", a.deviceId, "--json", ...flags], env())).stdout)).toEqual({ deviceId: a.deviceId });
    // No id: a preview of the newest request, exit 1 (the reference's safety step).
    const c = await pendingDevice();
    const preview = await cli(["devices", "approve", "--json", ...flags], env());
    expect(preview.code).toBe(1);
    expect(JSON.parse(preview.stdout)).toMatchObject({ selected: { requestId: c.requestId }, approvalState: { kind: "new-pairing", requested: { roles: ["operator"], scopes: ["operator.read"] }, approved: null }, approveCommand: `openclaw devices approve ${c.requestId} --url ${gw.url} --json`, requiresAuthFlags: { token: true, password: false } });
    const text = await cli(["devices", "approve", "--latest", ...flags], env());
    expect(text.stdout).toContain(`Selected pending device request ${c.requestId}`);
    expect(text.stderr).toContain(`Approve this exact request with: openclaw devices approve ${c.requestId}`);
  });
});

describe("openclaw nodes", () => {
  test("list --json, describe, invoke a command the node advertises, pending", async () => {
    const device = makeDevice();
    const params = connectParams({ client: { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "cli-node" }, role: "node", scopes: [], commands: ["echo.test"], auth: { token: gw.token } });
    const { socket: node } = await deviceHandshake(gw.url, params, device);
    node.ws.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.event === "node.invoke.request") node.send({ type: "req", id: "r1", method: "node.invoke.result", params: { id: frame.payload.id, nodeId: device.id, ok: true, payloadJSON: frame.payload.paramsJSON } });
    });
    const listed = JSON.parse((await cli(["nodes", "list", "--json", ...flags], env())).stdout);
    expect(listed.pending).toEqual([]);
    expect(listed.paired.find((n: any) => n.nodeId === device.id)).toMatchObject({ displayName: "cli-node", commands: ["echo.test"], connected: true });
    const described = JSON.parse((await cli(["nodes", "describe", "--node", "cli-node", "--json", ...flags], env())).stdout);
    expect(described).toMatchObject({ nodeId: device.id, connected: true });
    const invoked = await cli(["nodes", "invoke", "--node", device.id.slice(0, 8), "--command", "echo.test", "--params", '{"x":1}', ...flags], env());
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ ok: true, nodeId: device.id, command: "echo.test", payload: { x: 1 }, payloadJSON: '{"x":1}' });
    const blocked = await cli(["nodes", "invoke", "--node", device.id, "--command", "system.run", ...flags], env());
    expect(blocked.code).toBe(1);
    expect((await cli(["nodes", "pending", "--json", ...flags], env())).stdout).toBe("[]");
    node.close();
  });

  test("status: one merged table with connection, approval, caps, permissions and host stats; --json is node.list", async () => {
    const device = makeDevice();
    const client = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "stats-node" };
    const params = connectParams({ client, role: "node", scopes: [], caps: ["system"], commands: ["system.notify"], permissions: { accessibility: false, exec: true }, auth: { token: gw.token } });
    const { socket: node } = await deviceHandshake(gw.url, params, device);
    const stats = { cpuCount: 24, loadAverage: [3.2, 2, 1], memoryTotalBytes: 192 * 2 ** 30, memoryFreeBytes: 41 * 2 ** 30, diskTotalBytes: 2 * 2 ** 40, diskAvailableBytes: Math.round(1.2 * 2 ** 40) };
    expect((await node.request("node.event", { event: "node.host.stats", payload: stats })).payload).toMatchObject({ handled: true });
    const text = await cli(["nodes", "status", ...flags], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Known: \d+ · Paired: \d+ · Connected: \d+$/m);
    const line = text.stdout.split("\n").find((l) => l.startsWith("stats-node"))!;
    expect(line).toContain(device.id);
    expect(line).toContain("client: node-host/node · device: Linux · perms: [accessibility=no, exec=yes] · core v2026.9.6 · load 3.2/24 · mem 151/192 GB · disk 1.2 TB free");
    expect(line).toMatch(/paired · connected \((just now|\d+m ago)\) · approved\s+system$/);
    const json = JSON.parse((await cli(["nodes", "status", "--connected", "--json", ...flags], env())).stdout);
    expect(json.nodes.find((n: any) => n.nodeId === device.id)).toMatchObject({ connected: true, commands: ["system.notify"], permissions: { exec: true }, hostStats: { cpuCount: 24 } });
    node.close();
    await node.closed;
    const offline = await cli(["nodes", "status", "--connected", "--json", ...flags], env());
    expect(JSON.parse(offline.stdout).nodes.some((n: any) => n.nodeId === device.id)).toBe(false);
    expect((await cli(["nodes", "status", "--last-connected", "soon", ...flags], env())).code).toBe(1);
  });
});

describe("openclaw qr", () => {
  test("--json, --setup-code-only and text: a setup code the gateway minted; a node pairs with it", async () => {
    const local = ["--port", String(gw.port), "--token", gw.token];
    const json = await cli(["qr", "--url", gw.url, "--json", ...local], env());
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toEqual({ setupCode: expect.any(String), gatewayUrl: gw.url, auth: "token", urlSource: "request.publicUrl", access: "full" });
    const { bootstrapToken } = JSON.parse(Buffer.from(doc.setupCode, "base64url").toString("utf8"));
    const device = makeDevice();
    const joined = await deviceHandshake(gw.url, connectParams({ client: { id: "openclaw-ios", version: "1.0", platform: "ios", deviceFamily: "iPhone", mode: "node" }, role: "node", scopes: [], auth: { bootstrapToken } }), device);
    expect(joined.hello.ok).toBe(true);
    joined.socket.close();

    const only = await cli(["qr", "--url", "ws://192.168.1.20:18789", "--setup-code-only", ...local], env());
    expect(only.stdout.trim()).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(only.stderr).toContain("setup code was limited for safety");
    const text = await cli(["qr", "--public-url", gw.url, "--limited", ...local], env());
    expect(text.stdout).toContain(`Gateway: ${gw.url}`);
    expect(text.stdout).toContain("Access: limited");
    // The QR drawn is the setup code's (what the apps scan); --no-ascii leaves it out.
    const code = /Setup code: (\S+)/.exec(text.stdout)![1]!;
    expect(text.stdout).toContain(renderUnicodeCompact(code, { border: 2 }));
    const plain = await cli(["qr", "--public-url", gw.url, "--no-ascii", ...local], env());
    expect(plain.code).toBe(0);
    expect(plain.stdout.startsWith("Pairing setup code")).toBe(true);
    expect((await cli(["qr", "--limited", "--voice-node", ...local], env())).code).not.toBe(0);
    const loopbackOnly = await cli(["qr", "--json", ...local], env());
    expect(loopbackOnly.code).toBe(1);
  });
});

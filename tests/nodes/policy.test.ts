// The node command policy on the real gateway: per-platform defaults, dangerous commands that need
// gateway.nodes.commands.allow, deny winning, desktop host commands through the approved surface, and the
// reference's refusals for private controls, exec approvals, admin-only host commands and unpaired nodes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice, type TestDevice } from "../devices/_device.ts";
import { nodeAllowlist, policyPlatform } from "../../src/nodes/policy.ts";
import { nodeApprovalScopes } from "../../src/devices/node-surface.ts";

let gw: SpawnedGateway;
let op: TestSocket;
const sockets: TestSocket[] = [];

/** A node that answers every invoke with `{ ran: <command> }`. */
async function joinNode(client: Record<string, unknown>, commands: string[], caps: string[] = []): Promise<TestDevice> {
  const device = makeDevice();
  const params = connectParams({ client: { version: "1.0", mode: "node", ...client }, role: "node", scopes: [], caps, commands, auth: { token: gw.token } });
  const { socket, hello } = await deviceHandshake(gw.url, params, device);
  expect(hello.ok).toBe(true);
  socket.ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.event !== "node.invoke.request") return;
    socket.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: device.id, ok: true, payload: { ran: frame.payload.command } } });
  });
  sockets.push(socket);
  return device;
}

const invoke = (nodeId: string, command: string, socket = op) => socket.request("node.invoke", { nodeId, command, idempotencyKey: crypto.randomUUID() });

beforeAll(async () => {
  gw = await spawnGateway({ config: { gateway: { nodes: { commands: { allow: ["camera.clip"], deny: ["location.get"] } } } } });
  op = await connectOperator(gw.url, gw.token, ["operator.write", "operator.read"]);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  op?.close();
  await gw?.stop();
});

describe("node command policy", () => {
  test("an iPhone: platform defaults run, dangerous commands need allow, deny wins, others are not allowlisted", async () => {
    const declared = ["camera.list", "camera.snap", "camera.clip", "location.get", "echo.custom", "watch.status"];
    const phone = await joinNode({ id: "openclaw-ios", platform: "iOS 18.2", deviceFamily: "iPhone" }, declared);
    expect((await invoke(phone.id, "camera.list")).payload).toMatchObject({ ok: true, payload: { ran: "camera.list" } });
    expect((await invoke(phone.id, "camera.clip")).payload).toMatchObject({ ok: true, payload: { ran: "camera.clip" } });
    expect((await invoke(phone.id, "watch.status")).payload).toMatchObject({ ok: true });
    expect((await invoke(phone.id, "camera.snap")).error).toEqual({
      code: "INVALID_REQUEST",
      message: 'node command not allowed: "camera.snap" requires explicit gateway.nodes.commands.allow opt-in',
      details: { reason: "command not allowlisted", command: "camera.snap" },
    });
    expect((await invoke(phone.id, "location.get")).error?.message).toBe('node command not allowed: "location.get" is blocked by gateway.nodes.commands.deny');
    expect((await invoke(phone.id, "echo.custom")).error?.message).toBe('node command not allowed: "echo.custom" is not in the allowlist for platform "iOS 18.2"');
    expect((await invoke(phone.id, "contacts.search")).error?.message).toBe('node command not allowed: the node (platform: iOS 18.2) does not support "contacts.search"');
    const row = (await op.request("node.describe", { nodeId: phone.id })).payload;
    expect(row.commands).toEqual(["camera.clip", "camera.list", "watch.status"]);
  });

  test("a Linux host: desktop host commands run once approved; mobile commands do not; talk.* declared means push-to-talk", async () => {
    const host = await joinNode({ id: "node-host", platform: "linux", deviceFamily: "Linux" }, ["system.run", "system.which", "system.notify", "camera.list", "talk.ptt.start"]);
    expect((await invoke(host.id, "system.which")).payload).toMatchObject({ ok: true });
    expect((await invoke(host.id, "system.notify")).payload).toMatchObject({ ok: true });
    expect((await invoke(host.id, "camera.list")).error?.message).toBe('node command not allowed: "camera.list" is not in the allowlist for platform "linux"');
    // Declaring a talk.* command is the talk surface: push-to-talk is allowed on any platform then.
    expect((await invoke(host.id, "talk.ptt.start")).payload).toMatchObject({ ok: true });
    const mac = await joinNode({ id: "openclaw-macos", platform: "macos", deviceFamily: "iPad" }, ["camera.list"]);
    // An exact platform id must agree with the device family, else the node is "unknown" (camera.list is allowed there too).
    expect((await invoke(mac.id, "camera.list")).payload).toMatchObject({ ok: true });
  });

  test("the reference's gates before the policy", async () => {
    const host = await joinNode({ id: "node-host", platform: "linux", deviceFamily: "Linux" }, ["fs.listDir", "system.notify"]);
    expect((await invoke(host.id, "worker.launch.v1")).error).toEqual({ code: "INVALID_REQUEST", message: "node.invoke does not allow private node controls", details: { command: "worker.launch.v1" } });
    expect((await invoke(host.id, "system.execApprovals.get")).error?.message).toBe("node.invoke does not allow system.execApprovals.*; use exec.approvals.node.*");
    expect((await invoke(host.id, "agent.cli.claude.run.v1")).error?.message).toBe("node.invoke does not allow Claude agent runs; use sessions.catalog.continue");
    expect((await invoke(host.id, "fs.listDir")).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin", details: { code: "MISSING_SCOPE" } });
    expect((await invoke("not-a-node", "system.notify")).error).toEqual({ code: "UNAVAILABLE", message: "node pairing changed while invocation was active", retryable: true, details: { code: "PAIRING_CHANGED" } });
  });

  test("config hot reload: deny applies to the next invoke", async () => {
    const host = await joinNode({ id: "node-host", platform: "linux", deviceFamily: "Linux" }, ["system.notify"]);
    expect((await invoke(host.id, "system.notify")).payload).toMatchObject({ ok: true });
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const snapshot = await admin.request("config.get", {});
    const patched = await admin.request("config.patch", { raw: JSON.stringify({ gateway: { nodes: { commands: { deny: ["location.get", "system.notify"] } } } }), baseHash: snapshot.payload.hash });
    expect(patched.payload).toMatchObject({ ok: true, restartRequired: false });
    const refused = await invoke(host.id, "system.notify");
    expect(refused.error?.message).toBe('node command not allowed: "system.notify" is blocked by gateway.nodes.commands.deny');
    admin.close();
  });
});

describe("policy platform and allowlist (pure)", () => {
  test.each([
    ["ios", "iPhone", "ios"],
    ["ios", "Mac", "unknown"],
    ["iPadOS 18.1", "iPad", "ios"],
    ["macOS 15.2", "Mac", "macos"],
    ["android 15 (sdk 35)", "Android", "android"],
    ["", "Samsung Android tablet", "android"],
    ["linux", "Linux", "linux"],
    ["freebsd", "", "unknown"],
  ])("platform %p family %p → %p", (platform, family, expected) => {
    expect(policyPlatform(platform, family) as string).toBe(expected);
  });

  test("dangerous commands: run only with allow; deny wins at run time but not over a pairing declaration", () => {
    const node = { platform: "ios", deviceFamily: "iPhone", caps: [], commands: ["camera.snap"], approvedCommands: ["camera.snap"] };
    expect(nodeAllowlist({ allow: [], deny: [] }, node).has("camera.snap")).toBe(false);
    expect(nodeAllowlist({ allow: [], deny: [] }, node, { pairing: true }).has("camera.snap")).toBe(false);
    expect(nodeAllowlist({ allow: ["camera.snap"], deny: ["camera.snap"] }, node, { pairing: true }).has("camera.snap")).toBe(true);
    expect(nodeAllowlist({ allow: ["camera.snap"], deny: [] }, node).has("camera.snap")).toBe(true);
    expect(nodeAllowlist({ allow: ["camera.snap", "worker.launch.v1"], deny: ["camera.snap"] }, node).has("camera.snap")).toBe(false);
    expect(nodeAllowlist({ allow: ["worker.launch.v1"], deny: [] }, node).has("worker.launch.v1")).toBe(false);
  });

  test("approving admin-only host commands (browser proxy, host files) needs operator.admin, as system.run does", () => {
    for (const command of ["system.run", "browser.proxy", "fs.listDir", "terminal.upload"]) expect(nodeApprovalScopes([command])).toEqual(["operator.pairing", "operator.admin"]);
    expect(nodeApprovalScopes(["camera.list"])).toEqual(["operator.pairing", "operator.write"]);
    expect(nodeApprovalScopes([])).toEqual(["operator.pairing"]);
  });
});

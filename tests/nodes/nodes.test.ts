// Nodes against the real gateway: a node device (role "node") pairs, shows in node.list with what it declared,
// and answers node.invoke through node.invoke.request → node.invoke.result; errors and timeouts come back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";

const nodeClient = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "test-node", instanceId: "n1" };
const nodeParams = (token: string, extra: Record<string, unknown> = {}) =>
  connectParams({ client: nodeClient, role: "node", scopes: [], caps: ["system"], commands: ["system.which", "echo.test"], permissions: { exec: true }, auth: { token }, ...extra });

/** Answers every node.invoke.request with what `reply` returns (or nothing for undefined). */
function serve(node: TestSocket, reply: (req: any) => Record<string, unknown> | undefined): void {
  node.ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.event !== "node.invoke.request") return;
    const answer = reply(frame.payload);
    if (answer) node.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: frame.payload.nodeId, ...answer } });
  });
}

describe("a local node", () => {
  let gw: SpawnedGateway;
  beforeAll(async () => {
    gw = await spawnGateway({ config: { gateway: { nodes: { commands: { allow: ["echo.test"] } } } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("connects, is listed with its commands, answers invokes; errors and timeouts pass through", async () => {
    const device = makeDevice();
    const { socket: node, hello } = await deviceHandshake(gw.url, nodeParams(gw.token), device);
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth).toMatchObject({ role: "node", scopes: [] });
    expect(typeof hello.payload.auth.deviceToken).toBe("string");
    serve(node, (req) => {
      if (req.command === "echo.test") {
        const params = JSON.parse(req.paramsJSON);
        if (params.fail) return { ok: false, error: { code: "E_TEST", message: "asked to fail" } };
        if (params.silent) return undefined;
        return { ok: true, payloadJSON: JSON.stringify({ echoed: params.text }) };
      }
      return { ok: true, payload: { path: "/usr/bin/true" } };
    });

    const op = await connectOperator(gw.url, gw.token, ["operator.read", "operator.write"]);
    const list = await op.request("node.list", {});
    expect(list.ok).toBe(true);
    const row = list.payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(row).toMatchObject({ nodeId: device.id, displayName: "test-node", platform: "linux", clientId: "node-host", clientMode: "node", caps: ["system"], commands: ["echo.test", "system.which"], permissions: { exec: true }, paired: true, connected: true });
    const described = await op.request("node.describe", { nodeId: device.id });
    expect(described.payload).toMatchObject({ nodeId: device.id, connected: true });

    const ok = await op.request("node.invoke", { nodeId: device.id, command: "echo.test", params: { text: "hi" }, idempotencyKey: "k1" });
    expect(ok.payload).toEqual({ ok: true, nodeId: device.id, command: "echo.test", payload: { echoed: "hi" }, payloadJSON: '{"echoed":"hi"}' });
    const which = await op.request("node.invoke", { nodeId: device.id, command: "system.which", idempotencyKey: "k2" });
    expect(which.payload.payload).toEqual({ path: "/usr/bin/true" });

    const failed = await op.request("node.invoke", { nodeId: device.id, command: "echo.test", params: { fail: true }, idempotencyKey: "k3" });
    expect(failed.error).toEqual({ code: "UNAVAILABLE", message: "E_TEST: asked to fail", details: { nodeError: { code: "E_TEST", message: "asked to fail" }, nodeCommandDispatched: true } });
    const timedOut = await op.request("node.invoke", { nodeId: device.id, command: "echo.test", params: { silent: true }, timeoutMs: 50, idempotencyKey: "k4" });
    expect(timedOut.error).toMatchObject({ code: "UNAVAILABLE", message: "TIMEOUT: node invoke timed out", details: { nodeError: { code: "TIMEOUT" } } });
    const undeclared = await op.request("node.invoke", { nodeId: device.id, command: "computer.act", idempotencyKey: "k5" });
    expect(undeclared.error).toEqual({ code: "INVALID_REQUEST", message: 'node command not allowed: the node (platform: linux) does not support "computer.act"', details: { reason: "command not declared by node", command: "computer.act" } });

    // The node may call node-role methods only.
    expect((await node.request("status", {})).error?.code).toBe("FORBIDDEN");
    const late = await node.request("node.invoke.result", { id: "nope", nodeId: device.id, ok: true });
    expect(late.payload).toEqual({ ok: true, ignored: true });
    const foreign = await node.request("node.invoke.result", { id: "nope", nodeId: "other", ok: true });
    expect(foreign.error).toEqual({ code: "INVALID_REQUEST", message: "nodeId mismatch" });
    expect((await node.request("node.invoke.progress", { invokeId: "i1", nodeId: device.id, seq: 0, chunk: "partial output" })).payload).toEqual({ ok: true, ignored: true });
    expect((await node.request("node.invoke.progress", { invokeId: "i1", nodeId: "other", seq: 1, chunk: "x" })).error).toEqual({ code: "INVALID_REQUEST", message: "nodeId mismatch" });
    expect((await node.request("node.invoke.progress", { invokeId: "i1", nodeId: device.id, seq: 2, chunk: "é".repeat(8193) })).error).toEqual({ code: "INVALID_REQUEST", message: "progress chunk too large" });

    // The reference node host publishes its runner inventory after connect: acknowledged.
    expect((await node.request("node.runnerInventory.update", { protocolFeatures: ["node-worker-supervisor-v6"] })).payload).toEqual({ nodeId: device.id });

    // Work items: the operator enqueues, the node drains.
    const queued = await op.request("node.pending.enqueue", { nodeId: device.id, type: "status.request" });
    expect(queued.payload).toMatchObject({ nodeId: device.id, queued: { type: "status.request", priority: "normal" }, wakeTriggered: false });
    const drained = await node.request("node.pending.drain", {});
    expect(drained.payload).toMatchObject({ nodeId: device.id, items: [{ id: queued.payload.queued.id }], hasMore: false });

    // Presence shows the node; once it leaves, invokes say it is not connected and the list keeps it offline.
    const presence = await op.request("system-presence", {});
    expect(presence.payload.find((p: any) => p.mode === "node" && p.clientId === "node-host")).toMatchObject({ deviceId: device.id, instanceId: device.id, roles: ["node"], scopes: [] });
    node.close();
    await node.closed;
    await op.next((f) => f.event === "presence" && !f.payload.presence.some((p: any) => p.clientId === "node-host"));
    const gone = await op.request("node.invoke", { nodeId: device.id, command: "echo.test", idempotencyKey: "k6" });
    expect(gone.error).toEqual({ code: "UNAVAILABLE", message: "node not connected", details: { code: "NOT_CONNECTED", nodeError: { code: "NOT_CONNECTED", message: "node not connected" }, nodeCommandDispatched: false } });
    const offline = (await op.request("node.list", {})).payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(offline).toMatchObject({ paired: true, connected: false, commands: ["echo.test", "system.which"] });
    op.close();
  });

  test("a node disconnecting mid-invoke fails the invoke at once", async () => {
    const device = makeDevice();
    const { socket: node } = await deviceHandshake(gw.url, nodeParams(gw.token), device);
    const op = await connectOperator(gw.url, gw.token, ["operator.write"]);
    node.ws.addEventListener("message", (e) => {
      if (JSON.parse(String(e.data)).event === "node.invoke.request") node.close();
    });
    const res = await op.request("node.invoke", { nodeId: device.id, command: "echo.test", idempotencyKey: "d1" });
    expect(res.error).toMatchObject({ code: "UNAVAILABLE", message: "NOT_CONNECTED: node disconnected" });
    op.close();
  });
});

describe("a node that waits for approval (autoApproveLocal off)", () => {
  let gw: SpawnedGateway;
  beforeAll(async () => {
    gw = await spawnGateway({ config: { gateway: { nodes: { pairing: { autoApproveLocal: false }, commands: { allow: ["echo.test"] } } } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("device approval admits the node; its command surface waits for node.pair.approve (the reference's two steps)", async () => {
    const owner = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const device = makeDevice();
    const first = await deviceHandshake(gw.url, nodeParams(gw.token), device);
    expect(first.hello.error).toMatchObject({ code: "NOT_PAIRED", details: { code: "PAIRING_REQUIRED", reason: "not-paired", requestedRole: "node", deviceId: device.id } });
    expect(first.hello.error!.details.requestedScopes).toBeUndefined();
    const deviceRequest = first.hello.error!.details.requestId;
    expect((await owner.next((f) => f.event === "device.pair.requested")).payload).toMatchObject({ requestId: deviceRequest, role: "node", isRepair: false });
    const approvedDevice = await owner.request("device.pair.approve", { requestId: deviceRequest });
    expect(approvedDevice.payload.device.tokens).toEqual([expect.objectContaining({ role: "node", scopes: [] })]);

    const second = await deviceHandshake(gw.url, nodeParams(gw.token), device);
    expect(second.hello.ok).toBe(true);
    const token = second.hello.payload.auth.deviceToken;
    const event = await owner.next((f) => f.event === "node.pair.requested");
    const surfaceRequest = event.payload.requestId;
    expect(event.payload).toMatchObject({ nodeId: device.id, clientId: "node-host", caps: ["system"], commands: ["system.which", "echo.test"], requiredApproveScopes: ["operator.pairing", "operator.admin"] });
    const before = (await owner.request("node.list", {})).payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(before).toMatchObject({ approvalState: "pending-approval", pendingRequestId: surfaceRequest, pendingDeclaredCommands: ["system.which", "echo.test"], commands: [], caps: [], connected: true });
    const blocked = await owner.request("node.invoke", { nodeId: device.id, command: "echo.test", idempotencyKey: "p1" });
    expect(blocked.error?.message).toBe("node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`");
    expect((await owner.request("node.pair.list", {})).payload.pending).toEqual([expect.objectContaining({ requestId: surfaceRequest, nodeId: device.id })]);

    const approved = await owner.request("node.pair.approve", { requestId: surfaceRequest });
    expect(approved.payload).toMatchObject({ requestId: surfaceRequest, node: { nodeId: device.id, commands: ["system.which", "echo.test"] } });
    expect((await owner.next((f) => f.event === "node.pair.resolved")).payload).toMatchObject({ requestId: surfaceRequest, nodeId: device.id, decision: "approved" });
    const after = (await owner.request("node.list", {})).payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(after).toMatchObject({ approvalState: "approved", commands: ["echo.test", "system.which"] });
    expect(after.pendingRequestId).toBeUndefined();
    second.socket.close();

    // The node reconnects with its device token alone; the same surface needs no new approval.
    const third = await deviceHandshake(gw.url, nodeParams(gw.token, { auth: { deviceToken: token } }), device);
    expect(third.hello.payload.auth).toMatchObject({ method: "device-token", role: "node" });
    expect((await owner.request("node.pair.list", {})).payload.pending).toEqual([]);
    third.socket.close();

    // Declaring less than was approved files nothing (removing declarations grants nothing); the narrower
    // declaration is what runs. Declaring a command outside the platform policy withholds it: nothing to approve.
    const narrower = await deviceHandshake(gw.url, nodeParams(gw.token, { auth: { deviceToken: token }, commands: ["echo.test", "echo.unlisted"] }), device);
    expect(narrower.hello.ok).toBe(true);
    expect((await owner.request("node.pair.list", {})).payload.pending).toEqual([]);
    const row = (await owner.request("node.list", {})).payload.nodes.find((n: any) => n.nodeId === device.id);
    expect(row).toMatchObject({ approvalState: "approved", commands: ["echo.test"] });
    expect(gw.output()).toContain(`node command surface withheld node=${device.id} commands=echo.unlisted`);
    narrower.socket.close();
    owner.close();
  });
});

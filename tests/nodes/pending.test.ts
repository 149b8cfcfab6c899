// node.pending.* on the real gateway: work items (enqueue deduped per type, drain high priority first with the
// baseline status request), and actions an iOS node refused in the background (queued by node.invoke, pulled and
// acked by the node when it returns); plus the bounds and expiry of both queues with an injected clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice, type TestDevice } from "../devices/_device.ts";
import { PENDING_ACTION_TTL_MS, PENDING_ACTIONS_PER_NODE, PendingActions } from "../../src/nodes/actions.ts";
import { WorkQueue } from "../../src/nodes/work.ts";

let gw: SpawnedGateway;
let op: TestSocket;
const sockets: TestSocket[] = [];

async function joinPhone(device: TestDevice, background: boolean, commands = ["camera.list", "device.info"]): Promise<TestSocket> {
  const client = { id: "openclaw-ios", version: "1.0", platform: "iOS 18.2", deviceFamily: "iPhone", mode: "node" };
  const params = connectParams({ client, role: "node", scopes: [], caps: ["camera"], commands, auth: { token: gw.token } });
  const { socket, hello } = await deviceHandshake(gw.url, params, device);
  expect(hello.ok).toBe(true);
  socket.ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.event !== "node.invoke.request") return;
    const answer = background ? { ok: false, error: { code: "NODE_BACKGROUND_UNAVAILABLE", message: "app is in the background" } } : { ok: true, payload: { cameras: [] } };
    socket.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: device.id, ...answer } });
  });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  gw = await spawnGateway();
  op = await connectOperator(gw.url, gw.token, ["operator.write", "operator.read"]);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  op?.close();
  await gw?.stop();
});

describe("node.pending work items", () => {
  test("enqueue dedupes per type; drain gives high priority first, then the baseline status request", async () => {
    const device = makeDevice();
    const node = await joinPhone(device, false);
    expect((await node.request("node.pending.drain", {})).payload).toEqual({ nodeId: device.id, revision: 0, items: [{ id: "baseline-status", type: "status.request", priority: "default", createdAtMs: expect.any(Number), expiresAtMs: null }], hasMore: false });

    const loc = await op.request("node.pending.enqueue", { nodeId: device.id, type: "location.request", priority: "high", expiresInMs: 60_000 });
    expect(loc.payload).toEqual({ nodeId: device.id, revision: 1, queued: { id: expect.any(String), type: "location.request", priority: "high", createdAtMs: expect.any(Number), expiresAtMs: expect.any(Number) }, wakeTriggered: false });
    const again = await op.request("node.pending.enqueue", { nodeId: device.id, type: "location.request" });
    expect(again.payload).toMatchObject({ revision: 1, queued: { id: loc.payload.queued.id, priority: "high" } });

    const drained = await node.request("node.pending.drain", { maxItems: 1 });
    expect(drained.payload).toMatchObject({ nodeId: device.id, revision: 2, items: [{ id: loc.payload.queued.id, type: "location.request" }], hasMore: true });
    expect((await node.request("node.pending.drain", {})).payload.items.map((i: any) => i.id)).toEqual(["baseline-status"]);

    expect((await op.request("node.pending.enqueue", { nodeId: "no-such-node", type: "status.request" })).error).toEqual({ code: "UNAVAILABLE", message: "node pairing changed while pending work was active", retryable: true, details: { code: "PAIRING_CHANGED" } });
    expect((await op.request("node.pending.enqueue", { nodeId: device.id, type: "reboot" })).error?.code).toBe("INVALID_REQUEST");
    expect((await node.request("node.pending.drain", { maxItems: 11 })).error?.code).toBe("INVALID_REQUEST");
  });
});

describe("node.pending actions (pull/ack)", () => {
  test("a foreground command refused in the background is queued; the node pulls and acks it on return", async () => {
    const device = makeDevice();
    const background = await joinPhone(device, true);
    const first = await op.request("node.invoke", { nodeId: device.id, command: "camera.list", params: { facing: "back" }, idempotencyKey: "cam-1" });
    const queuedId = first.error?.details?.queuedActionId as string;
    expect(typeof queuedId).toBe("string");
    expect(first.error).toMatchObject({
      code: "UNAVAILABLE",
      message: "node command queued until iOS returns to foreground",
      retryable: true,
      details: { code: "QUEUED_UNTIL_FOREGROUND", queuedActionId: queuedId, nodeId: device.id, command: "camera.list", wake: { available: false }, nodeError: { code: "NODE_BACKGROUND_UNAVAILABLE" } },
    });
    // A retry with the same idempotency key is the same action; a command that is not foreground-only is not queued.
    expect((await op.request("node.invoke", { nodeId: device.id, command: "camera.list", params: { facing: "back" }, idempotencyKey: "cam-1" })).error?.details.queuedActionId).toBe(queuedId);
    const info = await op.request("node.invoke", { nodeId: device.id, command: "device.info", idempotencyKey: "info-1" });
    expect(info.error).toMatchObject({ code: "UNAVAILABLE", message: "NODE_BACKGROUND_UNAVAILABLE: app is in the background" });

    // The operator cannot pull a node's actions; the node can.
    expect((await op.request("node.pending.pull", {})).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    const pulled = await background.request("node.pending.pull", {});
    expect(pulled.payload).toEqual({ nodeId: device.id, actions: [{ id: queuedId, command: "camera.list", paramsJSON: '{"facing":"back"}', enqueuedAtMs: expect.any(Number) }] });

    // Back in the foreground (a new connection of the same device), the action is still there until acked.
    background.close();
    await background.closed;
    const foreground = await joinPhone(device, false);
    expect((await foreground.request("node.pending.pull", {})).payload.actions.map((a: any) => a.id)).toEqual([queuedId]);
    expect((await foreground.request("node.pending.ack", { ids: [queuedId, ` ${queuedId} `, "unknown"] })).payload).toEqual({ nodeId: device.id, ackedIds: [queuedId, "unknown"], remainingCount: 0 });
    expect((await foreground.request("node.pending.pull", {})).payload).toEqual({ nodeId: device.id, actions: [] });
    expect((await foreground.request("node.pending.ack", { ids: [] })).error?.code).toBe("INVALID_REQUEST");
  });

  test("an action the node may no longer run (its declaration narrowed) is dropped at pull, not handed out", async () => {
    const device = makeDevice();
    const background = await joinPhone(device, true);
    const queued = await op.request("node.invoke", { nodeId: device.id, command: "camera.list", idempotencyKey: "cam-narrow" });
    expect(queued.error?.details?.code).toBe("QUEUED_UNTIL_FOREGROUND");
    background.close();
    await background.closed;
    const narrowed = await joinPhone(device, false, ["device.info"]);
    expect((await narrowed.request("node.pending.pull", {})).payload).toEqual({ nodeId: device.id, actions: [] });
    narrowed.close();
    await narrowed.closed;
    // Dropped for good: declaring the command again does not bring the action back.
    const full = await joinPhone(device, false);
    expect((await full.request("node.pending.pull", {})).payload).toEqual({ nodeId: device.id, actions: [] });
  });
});

describe("queue bounds and expiry (injected clock)", () => {
  test("pending actions: at most 64 per node (oldest dropped), gone after 10 minutes", () => {
    let now = 1_000_000;
    const actions = new PendingActions(() => now);
    for (let i = 0; i < PENDING_ACTIONS_PER_NODE + 6; i++) actions.enqueue("n", { command: "camera.snap", idempotencyKey: `k${i}` });
    const listed = actions.list("n");
    expect(listed.length).toBe(PENDING_ACTIONS_PER_NODE);
    expect(listed[0]!.idempotencyKey).toBe("k6");
    now += PENDING_ACTION_TTL_MS + 1;
    expect(actions.list("n")).toEqual([]);
  });

  test("work items expire; an explicit status request replaces the baseline", () => {
    let now = 5_000;
    const work = new WorkQueue(() => now);
    work.enqueue("n", "location.request", "normal", 1000);
    now += 1001;
    expect(work.drain("n").items.map((i) => i.type)).toEqual(["status.request"]);
    const status = work.enqueue("n", "status.request").item;
    expect(work.drain("n", 10).items.map((i) => i.id)).toEqual([status.id]);
  });
});

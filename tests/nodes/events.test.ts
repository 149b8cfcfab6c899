// node.event against the real gateway and the stand-in model: a voice transcript and an agent request start agent
// turns, chat.subscribe lets the node follow a session's chat events, a system.run's exec.* and a phone
// notification reach the session's next turn as system events, host stats and presence are kept; anything else
// is answered `unsupported_event`, and bad payloads change nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type Frame, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice, type TestDevice } from "../devices/_device.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;
let node: TestSocket;
let device: TestDevice;

const client = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "event-node", instanceId: "e1" };
const event = (name: string, payload?: unknown) => node.request("node.event", payload === undefined ? { event: name } : { event: name, payload });
const sawPrompt = (text: string) => standIn.waitFor((r) => JSON.stringify(r.body.messages ?? []).includes(text));
const waitRun = async (runId: string) => expect((await op.request("agent.wait", { runId, timeoutMs: 10_000 })).payload).toMatchObject({ runId, status: "ok" });

beforeAll(async () => {
  standIn = startStandIn();
  const config = { ...agentsConfig(standIn, false) } as Record<string, any>;
  config.gateway = { ...config.gateway, nodes: { commands: { allow: ["system.run"] } } };
  gw = await spawnGateway({ config, env: STANDIN_ENV });
  op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  device = makeDevice();
  const params = connectParams({ client, role: "node", scopes: [], caps: ["system"], commands: ["system.run"], permissions: { accessibility: true }, auth: { token: gw.token } });
  const joined = await deviceHandshake(gw.url, params, device);
  expect(joined.hello.ok).toBe(true);
  node = joined.socket;
});

afterAll(async () => {
  if (process.env.DUMP_GW) console.log(gw?.output());
  node?.close();
  op?.close();
  await gw?.stop();
  standIn?.stop();
});

describe("node.event", () => {
  test("voice.transcript starts a turn in the main session; agent.request one in node-<id>", async () => {
    expect((await event("voice.transcript", { text: "turn on the lights", eventId: "v1" })).payload).toEqual({ ok: true });
    const seen = await sawPrompt("turn on the lights");
    expect(seen.body.messages.at(-1)).toMatchObject({ role: "user", content: "turn on the lights" });
    const sessions = (await op.request("sessions.list", {})).payload.sessions;
    expect(sessions.some((s: any) => s.key === "agent:main:main")).toBe(true);

    expect((await event("agent.request", { message: "summarise my day" })).payload).toEqual({ ok: true });
    await sawPrompt("summarise my day");
    const history = await op.request("chat.history", { sessionKey: `node-${device.id}` });
    expect(history.payload.messages.map((m: any) => m.role)).toContain("user");

    // Empty, oversized or unparseable payloads are acknowledged and start nothing.
    const before = standIn.requests.length;
    expect((await event("voice.transcript", { text: "   " })).payload).toEqual({ ok: true });
    expect((await event("agent.request", { message: "x".repeat(20_001) })).payload).toEqual({ ok: true });
    expect((await node.request("node.event", { event: "agent.request", payloadJSON: "{not json" })).payload).toEqual({ ok: true });
    // A marker turn proves nothing else was started in between.
    expect((await event("agent.request", { message: "marker after junk" })).payload).toEqual({ ok: true });
    await sawPrompt("marker after junk");
    expect(standIn.requests.length).toBe(before + 1);
  });

  test("chat.subscribe: the node gets the chat events of the session it follows, and no others", async () => {
    expect((await event("chat.subscribe", { sessionKey: "followed" })).payload).toEqual({ ok: true });
    await waitRun((await op.request("chat.send", { sessionKey: "elsewhere", message: "not for the node", idempotencyKey: "chat-other" })).payload.runId);
    await waitRun((await op.request("chat.send", { sessionKey: "followed", message: "for the node", idempotencyKey: "chat-followed" })).payload.runId);
    const chat = await node.next((f) => f.event === "chat");
    expect(chat.payload).toMatchObject({ runId: "chat-followed", sessionKey: "agent:main:followed" });
    expect(node.frames.filter((f: Frame) => f.event === "chat" && f.payload.sessionKey !== "agent:main:followed")).toEqual([]);

    expect((await event("chat.unsubscribe", { sessionKey: "followed" })).payload).toEqual({ ok: true });
    const seen = node.frames.length;
    await waitRun((await op.request("chat.send", { sessionKey: "followed", message: "after unsubscribe", idempotencyKey: "chat-after" })).payload.runId);
    expect(node.frames.slice(seen).filter((f: Frame) => f.event === "chat")).toEqual([]);
  });

  test("exec.* of a system.run the gateway sent becomes a system event; an unknown run is refused", async () => {
    const sessionKey = "agent:main:build";
    const forwardedKeys: string[][] = [];
    node.ws.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.event !== "node.invoke.request" || frame.payload.command !== "system.run") return;
      const params = JSON.parse(frame.payload.paramsJSON);
      forwardedKeys.push(Object.keys(params).sort());
      node.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: device.id, ok: true, payload: { runId: params.runId } } });
    });
    // Approval overrides never reach the node: no exec approval record backs them.
    const forged = await op.request("node.invoke", { nodeId: device.id, command: "system.run", params: { command: ["rm", "-rf", "/"], approved: true, runId: "r-forged" }, idempotencyKey: "run-0" });
    expect(forged.error).toEqual({ code: "INVALID_REQUEST", message: "unknown or expired approval id", details: { code: "UNKNOWN_APPROVAL_ID", runId: "r-forged" } });
    expect((await op.request("node.invoke", { nodeId: device.id, command: "system.run", params: { command: ["ls"], approvalDecision: "allow-always" }, idempotencyKey: "run-00" })).error?.details).toEqual({ code: "MISSING_RUN_ID" });
    const invoked = await op.request("node.invoke", { nodeId: device.id, command: "system.run", params: { command: ["make"], sessionKey, extra: "dropped" }, idempotencyKey: "run-1" });
    expect(invoked.ok).toBe(true);
    const runId = invoked.payload.payload.runId;
    expect(typeof runId).toBe("string");
    expect(forwardedKeys).toEqual([["command", "runId", "sessionKey"]]);

    expect((await event("exec.finished", { runId: "someone-else", sessionKey, exitCode: 1 })).payload).toEqual({ ok: true, event: "exec.finished", handled: false, reason: "unmatched_exec_event" });
    expect((await event("exec.finished", { runId, sessionKey: "agent:main:other", exitCode: 1 })).payload).toMatchObject({ reason: "unmatched_exec_event" });
    expect((await event("exec.finished", { runId, sessionKey, exitCode: 2, output: "make: *** no rule" })).payload).toEqual({ ok: true });
    // The terminal event used the authorization up: a replay is unmatched.
    expect((await event("exec.finished", { runId, sessionKey, exitCode: 2 })).payload).toMatchObject({ reason: "unmatched_exec_event" });

    await waitRun((await op.request("chat.send", { sessionKey, message: "what happened?", idempotencyKey: "exec-consumer" })).payload.runId);
    const seen = await sawPrompt(`Exec finished (node=${device.id} id=${runId}, code 2)`);
    expect(JSON.stringify(seen.body.messages)).toContain("make: *** no rule");
  });

  test("notifications.changed reaches the main session as a system event", async () => {
    const note = { change: "posted", key: "n-1", packageName: "com.mail", title: "Invoice", text: "Due   tomorrow" };
    expect((await event("notifications.changed", note)).payload).toEqual({ ok: true });
    await waitRun((await op.request("chat.send", { sessionKey: "main", message: "any news?", idempotencyKey: "note-consumer" })).payload.runId);
    await sawPrompt(`Notification posted (node=${device.id} key=n-1 package=com.mail): Invoice - Due tomorrow`);
  });

  test("host stats are kept and shown; presence is kept; other events are unsupported", async () => {
    const stats = { cpuCount: 8, loadAverage: [1.5, 1, 0.5], memoryTotalBytes: 1000, memoryFreeBytes: 400 };
    expect((await event("node.host.stats", stats)).payload).toEqual({ ok: true, event: "node.host.stats", handled: true, reason: "updated" });
    const broadcast = await op.next((f) => f.event === "node.hostStats");
    expect(broadcast.payload).toMatchObject({ nodeId: device.id, hostStats: { ...stats, updatedAtMs: expect.any(Number) } });
    const row = (await op.request("node.describe", { nodeId: device.id })).payload;
    expect(row.hostStats).toMatchObject(stats);
    for (const bad of [{ ...stats, memoryFreeBytes: 2000 }, { ...stats, extra: 1 }, { ...stats, diskTotalBytes: 10 }, { cpuCount: 0, memoryTotalBytes: 1, memoryFreeBytes: 0 }]) {
      expect((await event("node.host.stats", bad)).payload).toEqual({ ok: true, event: "node.host.stats", handled: false, reason: "invalid_payload" });
    }
    expect((await op.request("node.describe", { nodeId: device.id })).payload.hostStats).toMatchObject(stats);

    expect((await event("node.presence.alive", { trigger: "silent_push" })).payload).toEqual({ ok: true, event: "node.presence.alive", handled: true, reason: "persisted" });
    expect((await event("node.presence.alive", { trigger: "manual" })).payload).toEqual({ ok: true, event: "node.presence.alive", handled: true, reason: "throttled" });
    expect((await op.request("node.describe", { nodeId: device.id })).payload).toMatchObject({ lastSeenReason: "silent_push", lastSeenAtMs: expect.any(Number) });

    expect((await event("node.presence.activity", { idleSeconds: 5, source: "system" })).payload).toEqual({ ok: true, event: "node.presence.activity", handled: true, reason: "updated" });
    expect((await op.request("node.describe", { nodeId: device.id })).payload).toMatchObject({ lastActiveAtMs: expect.any(Number), active: true });
    expect((await op.request("node.list", {})).payload.activeNodeId).toBe(device.id);
    expect((await event("node.presence.activity", { idleSeconds: -1 })).payload).toMatchObject({ handled: false, reason: "invalid_payload" });

    expect((await event("something.new", { a: 1 })).payload).toEqual({ ok: true, event: "something.new", handled: false, reason: "unsupported_event" });
    expect((await node.request("node.event", { event: "" })).error?.code).toBe("INVALID_REQUEST");
  });
});

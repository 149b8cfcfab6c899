// Agent runs over the WebSocket protocol: two-phase `agent`, ordered `agent` events, chat.*, sessions.*,
// models.list, event visibility by scope, queueing per session, and /v1 disabled by default.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type Frame, type TestSocket } from "../helpers/ws.ts";
import { TWO_PHASE_RES } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let writer: TestSocket;
let reader: TestSocket;
let blind: TestSocket;

beforeAll(async () => {
  ({ standIn, gw, op: writer } = await startAgentsGateway({ scopes: ["operator.write"] }));
  reader = await connectOperator(gw.url, gw.token, ["operator.read"]);
  blind = await connectOperator(gw.url, gw.token, []);
  // sessions.changed goes to connections that subscribed (as the reference sends it).
  expect((await reader.request("sessions.subscribe", {})).payload).toEqual({ subscribed: true });
});
afterAll(async () => {
  for (const s of [reader, blind]) s?.close();
  await stopAgentsGateways();
});

const agentEvents = (socket: TestSocket, runId: string) => socket.frames.filter((f) => f.type === "event" && f.event === "agent" && f.payload?.runId === runId);
const lifecycleEnd = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload?.stream === "lifecycle" && f.payload?.data?.phase !== "start";

describe("agent", () => {
  test("accepted first, then ordered agent events, then the final outcome; chat.history has the transcript", async () => {
    const id = "agent-run-1";
    writer.send({ type: "req", id, method: "agent", params: { message: "tell me", sessionKey: "ws-one", idempotencyKey: "run-1" } });
    const accepted = await writer.response(id);
    expect(accepted.ok).toBe(true);
    expect(accepted.payload).toMatchObject({ runId: "run-1", status: "accepted" });
    await writer.next(lifecycleEnd("run-1"));
    const events = agentEvents(writer, "run-1");
    const acceptedAt = writer.frames.indexOf(accepted);
    expect(writer.frames.indexOf(events[0]!)).toBeGreaterThan(acceptedAt);
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.payload).toMatchObject({ stream: "lifecycle", data: { phase: "start" }, sessionKey: "agent:main:ws-one" });
    expect(events.at(-1)!.payload).toMatchObject({ stream: "lifecycle", data: { phase: "end" } });
    const text = events.filter((e) => e.payload.stream === "assistant").map((e) => e.payload.data.delta).join("");
    expect(text).toBe("echo(alpha): tell me");

    if (TWO_PHASE_RES) {
      const final = await writer.next((f) => f.type === "res" && f.id === id && f !== accepted);
      expect(writer.frames.indexOf(final)).toBeGreaterThan(writer.frames.indexOf(events.at(-1)!));
      expect(final.payload).toMatchObject({ runId: "run-1", status: "ok", result: { payloads: [{ text, mediaUrl: null }] } });
      // The reference's meta fields this gateway can fill truthfully.
      expect(final.payload.result.meta).toMatchObject({ aborted: false, finalAssistantVisibleText: text, completion: { stopReason: "stop", finishReason: "stop" } });
    }
    const waited = await writer.request("agent.wait", { runId: "run-1", timeoutMs: 5000 });
    expect(waited.payload).toMatchObject({ runId: "run-1", status: "ok" });

    const history = await reader.request("chat.history", { sessionKey: "ws-one" });
    expect(history.ok).toBe(true);
    const messages = history.payload.messages;
    expect(messages.map((m: any) => [m.role, typeof m.content === "string" ? m.content : m.content[0].text])).toEqual([["user", "tell me"], ["assistant", text]]);
    expect(messages[1]).toMatchObject({ provider: "stand", model: "alpha", usage: { input: 7 } });
  });

  test("a reader sees the run's events; a client without scopes sees none", async () => {
    await reader.next(lifecycleEnd("run-1"));
    expect(agentEvents(reader, "run-1").length).toBe(agentEvents(writer, "run-1").length);
    expect(reader.frames.some((f) => f.event === "chat" && f.payload?.runId === "run-1" && f.payload.state === "final")).toBe(true);
    expect(reader.frames.some((f) => f.event === "sessions.changed")).toBe(true);
    // A later event every client gets proves the blind client is live and simply not sent agent events.
    const probe = await writer.request("chat.send", { sessionKey: "ws-probe", message: "ping", idempotencyKey: "probe-1" });
    expect(probe.payload).toEqual({ runId: "probe-1", status: "started" });
    await reader.next(lifecycleEnd("probe-1"));
    expect(blind.frames.filter((f) => f.event === "agent" || f.event === "chat" || f.event === "sessions.changed")).toEqual([]);
    const forbidden = await blind.request("chat.history", { sessionKey: "ws-one" });
    expect(forbidden.error?.code).toBe("FORBIDDEN");
  });

  test("a fallback model is used when the primary fails", async () => {
    const id = "agent-sturdy";
    writer.send({ type: "req", id, method: "agent", params: { message: "hold on", agentId: "sturdy", idempotencyKey: "run-sturdy" } });
    await writer.next(lifecycleEnd("run-sturdy"));
    const events = agentEvents(writer, "run-sturdy");
    expect(events.find((e) => e.payload.data?.phase === "fallback")!.payload.data).toMatchObject({ from: "stand/fail-primary", to: "resp/beta" });
    const waited = await writer.request("agent.wait", { runId: "run-sturdy" });
    expect(waited.payload.status).toBe("ok");
    const history = await writer.request("chat.history", { sessionKey: "agent:sturdy:main" });
    expect(history.payload.messages.at(-1)).toMatchObject({ provider: "resp", model: "beta", content: [{ type: "text", text: "echo(beta): hold on" }] });
  });

  test("invalid params and unknown agents are refused", async () => {
    const missing = await writer.request("agent", { idempotencyKey: "x" });
    expect(missing.error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid agent params: must have required property 'message'" });
    const unknown = await writer.request("agent", { message: "x", agentId: "ghost", idempotencyKey: "ghost-1" });
    expect(unknown.error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "UNKNOWN_AGENT_ID" } });
    expect(unknown.error!.message).toContain("agents.entries.ghost");
  });
});

describe("chat", () => {
  test("chat.send streams chat events; a repeated idempotency key does not run twice", async () => {
    const first = await writer.request("chat.send", { sessionKey: "ws-chat", message: "once", idempotencyKey: "chat-1" });
    expect(first.payload).toEqual({ runId: "chat-1", status: "started" });
    const final = await writer.next((f) => f.event === "chat" && f.payload?.runId === "chat-1" && f.payload.state === "final");
    expect(final.payload.message.content[0].text).toBe("echo(alpha): once");
    const deltas = writer.frames.filter((f) => f.event === "chat" && f.payload?.runId === "chat-1" && f.payload.state === "delta");
    expect(deltas.map((d) => d.payload.deltaText).join("")).toBe("echo(alpha): once");
    const again = await writer.request("chat.send", { sessionKey: "ws-chat", message: "once", idempotencyKey: "chat-1" });
    expect(again.payload).toEqual({ runId: "chat-1", status: "ok" });
    expect(standIn.requests.filter((r) => r.body.messages?.at(-1)?.content === "once")).toHaveLength(1);
  });

  test("one run at a time per session: a followup waits for the first", async () => {
    await writer.request("chat.send", { sessionKey: "ws-queue", message: "q1", idempotencyKey: "q-1" });
    // Under the default `steer` mode q2 would join the running q1; `followup` asks for a turn of its own.
    await writer.request("chat.send", { sessionKey: "ws-queue", message: "q2", idempotencyKey: "q-2", queueMode: "followup" });
    await writer.next(lifecycleEnd("q-2"));
    const lifecycle = writer.frames.filter((f) => f.event === "agent" && f.payload?.stream === "lifecycle" && ["q-1", "q-2"].includes(f.payload.runId));
    expect(lifecycle.map((f) => `${f.payload.runId}:${f.payload.data.phase}`)).toEqual(["q-1:start", "q-1:end", "q-2:start", "q-2:end"]);
    const second = standIn.requests.find((r) => r.body.messages?.at(-1)?.content === "q2")!;
    // The system prompt (the workspace's bootstrap files) leads; the conversation follows.
    expect(second.body.messages.filter((m: any) => m.role !== "system").map((m: any) => m.content)).toEqual(["q1", "echo(alpha): q1", "q2"]);
  });

  test("chat.abort stops a running reply and the upstream request", async () => {
    const slow = await writer.request("agent", { message: "long", sessionKey: "ws-abort", model: "stand/slow-abort", idempotencyKey: "abort-1" });
    expect(slow.payload?.status ?? "accepted").toBe("accepted");
    await writer.next((f) => f.event === "agent" && f.payload?.runId === "abort-1" && f.payload.stream === "assistant");
    const aborted = await writer.request("chat.abort", { sessionKey: "ws-abort" });
    expect(aborted.payload).toEqual({ ok: true, aborted: true, runIds: ["abort-1"] });
    const chat = await writer.next((f) => f.event === "chat" && f.payload?.runId === "abort-1" && f.payload.state === "aborted");
    expect(chat.payload.sessionKey).toBe("agent:main:ws-abort");
    expect((await standIn.waitFor((r) => r.model === "slow-abort" && r.aborted)).finished).toBe(false);
  });

  test("sessions.list marks the running run on its own session's row only (runs looked up once per page)", async () => {
    await writer.request("agent", { message: "long", sessionKey: "ws-listed", model: "stand/slow-listed", idempotencyKey: "listed-1" });
    await writer.next((f) => f.event === "agent" && f.payload?.runId === "listed-1" && f.payload.stream === "assistant");
    const list = await reader.request("sessions.list", {});
    const rows = list.payload.sessions.filter((s: any) => s.hasActiveRun);
    expect(rows.map((s: any) => [s.key, s.activeRunIds])).toEqual([["agent:main:ws-listed", ["listed-1"]]]);
    expect(list.payload.sessions.find((s: any) => s.key === "agent:main:ws-abort")).toMatchObject({ hasActiveRun: false, activeRunIds: [] });
    await writer.request("chat.abort", { sessionKey: "ws-listed" });
  });
});

describe("sessions and models", () => {
  test("sessions.list, sessions.preview, sessions.reset, sessions.delete", async () => {
    const list = await reader.request("sessions.list", {});
    expect(list.payload).toMatchObject({ hasMore: false, limitApplied: 100, nextOffset: null, defaults: { modelProvider: "stand", model: "alpha", contextTokens: 8000 } });
    const keys = list.payload.sessions.map((s: any) => s.key);
    expect(keys).toContain("agent:main:ws-one");
    expect(list.payload.sessions.find((s: any) => s.key === "agent:main:ws-one")).toMatchObject({ agentId: "main", model: "alpha", hasActiveRun: false, activeRunIds: [] });

    const preview = await reader.request("sessions.preview", { keys: ["ws-one", "nope"] });
    expect(preview.payload.previews).toEqual([
      { key: "ws-one", status: "ok", items: [{ role: "user", text: "tell me" }, { role: "assistant", text: "echo(alpha): tell me" }] },
      { key: "nope", status: "missing", items: [] },
    ]);

    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    await admin.request("sessions.subscribe", {});
    try {
      const denied = await writer.request("sessions.reset", { key: "ws-one" });
      expect(denied.error?.code).toBe("FORBIDDEN");
      const reset = await admin.request("sessions.reset", { key: "ws-one" });
      expect(reset.payload).toMatchObject({ ok: true, key: "agent:main:ws-one" });
      expect((await admin.request("chat.history", { sessionKey: "ws-one" })).payload.messages).toEqual([]);
      const deleted = await admin.request("sessions.delete", { key: "ws-chat" });
      expect(deleted.payload).toEqual({ ok: true, key: "agent:main:ws-chat", deleted: true, archived: [] });
      const main = await admin.request("sessions.delete", { key: "main" });
      expect(main.error?.code).toBe("INVALID_REQUEST");
      const gone = await admin.next((f) => f.event === "sessions.changed" && f.payload?.reason === "delete");
      expect(gone.payload.sessionKey).toBe("agent:main:ws-chat");
    } finally {
      admin.close();
    }
  });

  test("sessions.list accepts the reference UI's limit of 10,000 and clamps anything larger", async () => {
    const ui = await reader.request("sessions.list", { limit: 10_000 });
    expect(ui.ok).toBe(true);
    expect(ui.payload.limitApplied).toBe(10_000);
    const huge = await reader.request("sessions.list", { limit: 1_000_000 });
    expect(huge.payload.limitApplied).toBe(10_000);
    expect(huge.payload.sessions.length).toBe(ui.payload.sessions.length);
    const zero = await reader.request("sessions.list", { limit: 0 });
    expect(zero.error?.code).toBe("INVALID_REQUEST");
  });

  test("agents.list: the configured agents and the default id, in the reference's AgentsListResult shape", async () => {
    const list = await reader.request("agents.list", {});
    expect(list.payload).toEqual({
      defaultId: "main",
      mainKey: "main",
      scope: "per-sender",
      agents: [
        { id: "main", model: { primary: "stand/alpha" } },
        { id: "sturdy", model: { primary: "stand/fail-primary", fallbacks: ["resp/beta"] } },
        { id: "writer", name: "Writer", model: { primary: "claude/gamma" } },
      ],
    });
    const extra = await reader.request("agents.list", { all: true });
    expect(extra.error?.code).toBe("INVALID_REQUEST");
    expect((await blind.request("agents.list", {})).error?.code).toBe("FORBIDDEN");
  });

  test("models.list shows the configured models", async () => {
    const models = await reader.request("models.list", {});
    expect(models.payload.models.map((m: any) => `${m.provider}/${m.id}`)).toEqual(["stand/alpha", "stand/text-embed", "resp/beta", "claude/gamma"]);
  });

  test("the /v1 surface is off by default: 404 even with a valid bearer", async () => {
    for (const [method, path] of [["GET", "/v1/models"], ["POST", "/v1/chat/completions"], ["POST", "/v1/responses"], ["POST", "/v1/embeddings"]] as const) {
      const response = await fetch(`${gw.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${gw.token}` }, body: method === "POST" ? "{}" : undefined });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Not Found");
    }
  });
});

// The methods the reference's browser Control UI calls on load and on its Chat/Sessions/Agents panels, and the
// session events it subscribes to: session.message only to a session's message subscribers, sessions.changed
// only to sessions.subscribe'd connections; chat.history user content as the string it was sent as.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let gw: SpawnedGateway;
let op: TestSocket;
let other: TestSocket;

beforeAll(async () => {
  ({ gw, op } = await startAgentsGateway());
  other = await connectOperator(gw.url, gw.token, ["operator.read"]);
});
afterAll(async () => {
  other?.close();
  await stopAgentsGateways();
});

test("subscriptions route session.message and sessions.changed; history and usage in the reference's shapes", async () => {
  expect((await op.request("sessions.messages.subscribe", { key: "ui" })).payload).toEqual({ subscribed: true, key: "agent:main:ui" });
  expect((await op.request("sessions.subscribe", {})).payload).toEqual({ subscribed: true });
  await op.request("chat.send", { sessionKey: "ui", message: "hello ui", idempotencyKey: "ui-1" });
  await op.next((f) => f.event === "chat" && f.payload?.runId === "ui-1" && f.payload.state === "final");
  const messages = op.frames.filter((f) => f.event === "session.message").map((f) => f.payload);
  expect(messages.map((m) => [m.message.role, m.messageSeq])).toEqual([["user", 1], ["assistant", 2]]);
  expect(messages[0]).toMatchObject({ sessionKey: "agent:main:ui", agentId: "main", runId: "ui-1", message: { content: "hello ui" } });
  expect(op.frames.some((f) => f.event === "sessions.changed" && f.payload.sessionKey === "agent:main:ui")).toBe(true);
  // The other connection subscribed to nothing and gets neither event (it still gets chat events as a reader).
  await other.next((f) => f.event === "chat" && f.payload?.runId === "ui-1" && f.payload.state === "final");
  expect(other.frames.filter((f) => f.event === "session.message" || f.event === "sessions.changed")).toEqual([]);

  const history = (await op.request("chat.history", { sessionKey: "ui" })).payload;
  expect(history.messages[0].content).toBe("hello ui");
  expect(history.messages[1].content).toEqual([{ type: "text", text: "echo(alpha): hello ui" }]);
  const startup = (await op.request("chat.startup", { sessionKey: "ui" })).payload;
  expect(startup.messages).toEqual(history.messages);
  expect(startup.sessionInfo).toMatchObject({ key: "agent:main:ui", hasActiveRun: false });

  const describe = (await op.request("sessions.describe", { key: "ui", includeLastMessage: true })).payload;
  expect(describe.session).toMatchObject({ key: "agent:main:ui", lastMessage: { role: "assistant" } });
  const branches = (await op.request("sessions.branches.list", { sessionKey: "ui" })).payload.branches;
  expect(branches).toEqual([{ leafEntryId: history.messages[1].id, headline: "hello ui", messageCount: 2, updatedAt: expect.any(String), active: true }]);

  const got = (await op.request("chat.message.get", { sessionKey: "ui", messageId: history.messages[1].id, maxChars: 4 })).payload;
  expect(got).toEqual({ ok: true, message: { ...history.messages[1], content: [{ type: "text", text: "echo" }] } });
  expect((await op.request("chat.message.get", { sessionKey: "ui", messageId: "999999" })).payload).toEqual({ ok: false, unavailableReason: "not_found" });

  const usage = (await op.request("sessions.usage", { key: "ui" })).payload;
  expect(usage.sessions[0]).toMatchObject({ key: "agent:main:ui", usage: { input: 7 } });
  expect(usage.aggregates.byModel).toEqual([{ provider: "stand", model: "alpha", count: 1, totals: expect.objectContaining({ input: 7 }) }]);

  expect((await op.request("sessions.messages.unsubscribe", { key: "ui" })).payload).toEqual({ subscribed: false, key: "agent:main:ui" });
  await op.request("chat.send", { sessionKey: "ui", message: "again", idempotencyKey: "ui-2" });
  await op.next((f) => f.event === "chat" && f.payload?.runId === "ui-2" && f.payload.state === "final");
  expect(op.frames.filter((f) => f.event === "session.message" && f.payload.runId === "ui-2")).toEqual([]);
});

test("identity, metadata, auth status without secrets, approvals and usage status", async () => {
  expect((await op.request("agent.identity.get", {})).payload).toEqual({ agentId: "main", name: "Assistant", nameSource: "default", avatar: "A" });
  expect((await op.request("agent.identity.get", { agentId: "writer" })).payload).toMatchObject({ agentId: "writer", name: "Writer", nameSource: "agent" });
  expect((await op.request("agent.identity.get", { agentId: "ghost" })).error?.code).toBe("INVALID_REQUEST");
  const meta = (await op.request("chat.metadata", { sessionKey: "ui" })).payload;
  expect(meta.agentId).toBe("main");
  const auth = await op.request("models.authStatus", {});
  expect(auth.payload.providers.map((p: any) => [p.provider, p.status])).toEqual([["stand", "ok"], ["resp", "ok"], ["claude", "ok"]]);
  expect(JSON.stringify(auth.payload)).not.toContain("sk-");
  expect((await op.request("exec.approval.list", {})).payload).toEqual([]);
  expect((await op.request("usage.status", {})).payload).toMatchObject({ providers: [] });
  expect((await op.request("sessions.describe", { key: "nope" })).error?.code).toBe("INVALID_REQUEST");
  expect((await op.request("sessions.messages.subscribe", {})).error?.code).toBe("INVALID_REQUEST");
});

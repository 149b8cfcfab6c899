// Automation output reaching chats, end to end on a real gateway (in process, scheduler on a fake clock) with
// the stand-in model and the stand-in Telegram Bot API: a heartbeat acknowledgement stays silent, a real
// heartbeat message is delivered to its target (explicit chat + topic, or the last conversation), a poll with
// no route costs no model call, a cron job announces its result, and an unconfigured channel is a recorded error.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { agentsConfig } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../channels/telegram-stand-in.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { FakeClock } from "./_clock.ts";
import { startClockedGateway, stopClockedGateways, type ClockedGateway } from "./_gateway.ts";

const BOT = "5151:delivery-secret-token";
const OWNER = 111;
const clock = new FakeClock(Date.now());
let model: StandIn;
let tg: TelegramStandIn;
let op: TestSocket;
let rpc: ClockedGateway["rpc"];
let nextEvent: ClockedGateway["nextEvent"];
const sends = (chat: number) => tg.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) === chat);

beforeAll(async () => {
  model = startStandIn();
  tg = startTelegramStandIn({ [BOT]: { id: 5151, username: "auto_bot", first_name: "Auto" } });
  const base = agentsConfig(model, false) as any;
  const config = {
    ...base,
    channels: { telegram: { botToken: BOT, apiRoot: tg.url, dmPolicy: "allowlist", allowFrom: [String(OWNER)] } },
    // Telegram conversations belong to "ops", so its `last` route is whatever chat last talked to it.
    bindings: [{ agentId: "ops", match: { channel: "telegram" } }],
    agents: {
      defaults: base.agents.defaults,
      entries: {
        main: { heartbeat: { every: "30m", prompt: "HEARTBEAT_OK", target: "telegram", to: String(OWNER) } },
        writer: { model: "claude/gamma", heartbeat: { every: "30m", prompt: "The disk is 91% full", target: "telegram", to: "222:topic:7" } },
        ops: { heartbeat: { every: "30m", prompt: "Check the queue", target: "last" } },
      },
    },
  };
  ({ op, rpc, nextEvent } = await startClockedGateway(config, clock));
  await tg.waitFor((c) => c.method === "getUpdates");
});

afterAll(async () => {
  await stopClockedGateways();
  model?.stop();
  tg?.kill();
});

describe("heartbeat delivery", () => {
  test("an acknowledgement stays silent; a real message goes to the explicit chat and topic; no route, no model call", async () => {
    await clock.advance(30 * 60_000);
    const [main, writer, ops] = await Promise.all(["main", "writer", "ops"].map((id) => nextEvent("heartbeat", (p) => p.agentId === id)));
    expect(main).toMatchObject({ status: "ok-token", silent: true, indicatorType: "ok" });
    expect(sends(OWNER)).toEqual([]);
    expect(writer).toMatchObject({ status: "sent", silent: false, indicatorType: "alert", channel: "telegram", to: "222", preview: "echo(gamma): The disk is 91% full" });
    const sent = sends(222);
    expect(sent.map((c) => [c.params.text, Number(c.params.message_thread_id)])).toEqual([["echo(gamma): The disk is 91% full", 7]]);
    // ops follows the last conversation and has had none: skipped before the model is asked.
    expect(ops).toMatchObject({ status: "skipped", reason: "no-route", message: expect.stringContaining("no delivery route yet") });
    expect(model.requests.some((r) => JSON.stringify(r.body).includes("Check the queue"))).toBe(false);
  });

  test("target last: after a chat with the owner, the alert goes to that chat", async () => {
    tg.message(BOT, { from: OWNER, text: "hello ops" });
    await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === OWNER && String(c.params.text).includes("hello ops"));
    await clock.advance(30 * 60_000);
    const [ops] = await Promise.all([nextEvent("heartbeat", (p) => p.agentId === "ops" && p.status !== "skipped"), nextEvent("heartbeat", (p) => p.agentId === "main"), nextEvent("heartbeat", (p) => p.agentId === "writer")]);
    expect(ops).toMatchObject({ status: "sent", channel: "telegram", to: String(OWNER), preview: "echo(alpha): Check the queue" });
    expect(sends(OWNER).map((c) => c.params.text)).toContain("echo(alpha): Check the queue");
    // main's acknowledgement on the same tick still sent nothing.
    expect(sends(OWNER).some((c) => String(c.params.text).includes("HEARTBEAT_OK"))).toBe(false);
  });
});

describe("acknowledgements hidden", () => {
  test("chat events, history and the next turn's context show no heartbeat prompt or acknowledgement", async () => {
    const chat = op.frames.filter((f) => f.event === "chat" && String(f.payload.runId).startsWith("heartbeat:"));
    const mainChat = chat.filter((f) => String(f.payload.runId).startsWith("heartbeat:main:"));
    expect(mainChat.length).toBeGreaterThan(0);
    // No deltas for heartbeat runs; main's finals carry no message, writer's final carries its alert.
    expect(chat.filter((f) => f.payload.state === "delta")).toEqual([]);
    expect(mainChat.filter((f) => f.payload.state === "final").every((f) => f.payload.message === undefined)).toBe(true);
    const writerFinal = chat.find((f) => String(f.payload.runId).startsWith("heartbeat:writer:") && f.payload.state === "final")!;
    expect(writerFinal.payload.message.content[0].text).toBe("echo(gamma): The disk is 91% full");
    expect((await rpc("chat.history", { sessionKey: "agent:main:main" })).messages).toEqual([]);
    const writer = (await rpc("chat.history", { sessionKey: "agent:writer:main" })).messages;
    // Two ticks, two alerts; the prompts that asked for them are hidden.
    expect(writer.map((m: any) => [m.role, m.content[0].text])).toEqual([["assistant", "echo(gamma): The disk is 91% full"], ["assistant", "echo(gamma): The disk is 91% full"]]);
    expect((await rpc("sessions.preview", { keys: ["agent:main:main"] })).previews[0]).toMatchObject({ status: "empty", items: [] });
    const res = await op.request("agent", { message: "anything new?", sessionKey: "agent:main:main", idempotencyKey: "after-acks" });
    expect(res.ok).toBe(true);
    const turn = await model.waitFor((r) => JSON.stringify(r.body).includes("anything new?"));
    expect(JSON.stringify(turn.body.messages)).not.toContain("HEARTBEAT_OK");
  });
});

describe("cron delivery", () => {
  test("an isolated job announces its result to channel + to; the run records the delivery", async () => {
    const job = await rpc("cron.add", { name: "report", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "write the report" }, delivery: { mode: "announce", channel: "telegram", to: "333" } });
    await rpc("cron.run", { id: job.id });
    const finished = await nextEvent("cron", (p) => p.jobId === job.id && p.action === "finished");
    expect(finished).toMatchObject({ status: "ok", delivered: true, deliveryStatus: "delivered" });
    expect(sends(333).map((c) => c.params.text)).toEqual(["echo(alpha): write the report"]);
    expect((await rpc("cron.runs", { id: job.id })).entries[0]).toMatchObject({ status: "ok", deliveryStatus: "delivered", delivered: true });
  });

  test("a target on a channel that is not configured is an error the run records; the gateway carries on", async () => {
    const job = await rpc("cron.add", { name: "elsewhere", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "say hi" }, delivery: { mode: "announce", channel: "discord", to: "42" } });
    await rpc("cron.run", { id: job.id });
    const finished = await nextEvent("cron", (p) => p.jobId === job.id && p.action === "finished");
    expect(finished).toMatchObject({ status: "error", deliveryStatus: "not-delivered" });
    expect(finished.error).toBe("delivery to discord 42 failed: channel discord is not configured (channels.discord)");
    const best = await rpc("cron.update", { id: job.id, patch: { delivery: { mode: "announce", channel: "discord", to: "42", bestEffort: true } } });
    expect(best.delivery.bestEffort).toBe(true);
    await rpc("cron.run", { id: job.id });
    expect(await nextEvent("cron", (p) => p.jobId === job.id && p.action === "finished")).toMatchObject({ status: "ok", deliveryStatus: "not-delivered" });
    expect((await rpc("health")).ok).toBe(true);
  });
});

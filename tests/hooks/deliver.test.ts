// Hook runs announcing their reply in a chat, end to end: a real gateway polling the stand-in Bot API, the
// stand-in model answering. Direct `/agent` with channel+to(+accountId), refusals before anything runs (partial
// destinations, "last", unknown/disabled/invalid accounts), `deliver: false`, `waitForCompletion` facts (sent,
// failed, suppressed), and mappings with a templated `to` or the agent's last conversation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { TelegramStandIn } from "../channels/telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "../channels/_fixture.ts";
import { bearer, HOOK_TOKEN, post, read } from "./_setup.ts";

const BOT = "6161:hook-deliver-token";
const OPS_BOT = "6262:hook-ops-token";
const OFF_BOT = "6363:hook-off-token";
const OWNER = 111;
const TEAM = -100777;
let model: StandIn;
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let op: TestSocket;

const hooks = {
  enabled: true,
  token: HOOK_TOKEN,
  mappings: [
    { id: "ci", match: { path: "ci" }, messageTemplate: "build {{n}} failed", channel: "telegram", to: "{{chat}}" },
    { id: "ping", match: { path: "ping" }, messageTemplate: "ping {{n}}" },
    { id: "quiet", match: { path: "quiet" }, messageTemplate: "quiet {{n}}", deliver: false },
    { id: "elsewhere", match: { path: "elsewhere" }, messageTemplate: "x", channel: "discord" },
  ],
};

beforeAll(async () => {
  ({ model, tg, gw, rpc: op } = await startTelegramGateway({
    bots: {
      [BOT]: { id: 6161, username: "hook_bot", first_name: "Hook" },
      [OPS_BOT]: { id: 6262, username: "ops_bot", first_name: "Ops" },
      [OFF_BOT]: { id: 6363, username: "off_bot", first_name: "Off" },
    },
    config: (model, tg) => {
      const telegram = { botToken: BOT, apiRoot: tg.url, dmPolicy: "allowlist", allowFrom: [String(OWNER)], accounts: { ops: { botToken: OPS_BOT }, off: { botToken: OFF_BOT, enabled: false } } };
      return { ...agentsConfig(model, false), messages: { queue: { mode: "followup" } }, channels: { telegram }, hooks };
    },
    ready: (c) => c.method === "getUpdates" && c.token === BOT,
  }));
  model.script("silent", [{ text: "NO_REPLY" }]);
  await tg.waitFor((c) => c.method === "getUpdates" && c.token === OPS_BOT);
});
afterAll(stopTelegramGateways);

const hook = async (path: string, body: unknown) => read(await post(gw.httpUrl, path, body, bearer()));
const sendsTo = (chat: number, token = BOT) => tg.callsOf("sendMessage", token).filter((c) => Number(c.params.chat_id) === chat);
const sent = (chat: number, contains: string, token = BOT) => tg.waitFor((c) => c.method === "sendMessage" && c.token === token && Number(c.params.chat_id) === chat && String(c.params.text).includes(contains));
const runs = async () => (await op.request("sessions.list", {})).payload.sessions.length as number;

describe("direct /hooks/agent", () => {
  test("channel+to announces the run's reply in that chat; waitForCompletion answers the delivery facts", async () => {
    const res = await hook("/hooks/agent", { message: "deploy finished", channel: "telegram", to: String(OWNER), waitForCompletion: true });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, runId: expect.any(String), completion: { status: "ok", replyDisposition: "visible", delivered: true, deliveryAttempted: true } });
    const [message] = sendsTo(OWNER).filter((c) => String(c.params.text).includes("deploy finished"));
    expect(String(message!.params.text)).toStartWith("echo(alpha):");
  });

  test("accountId picks the configured account that sends; without waiting the answer is admission only", async () => {
    const res = await hook("/hooks/agent", { message: "from ops", channel: "telegram", to: String(TEAM), accountId: "OPS" });
    expect(res).toMatchObject({ status: 200, json: { ok: true, runId: expect.any(String) } });
    expect(res.json.completion).toBeUndefined();
    await sent(TEAM, "from ops", OPS_BOT);
    expect(sendsTo(TEAM, BOT)).toEqual([]);
  });

  test("partial, 'last', unknown channel and bad account destinations are 400 before any run starts", async () => {
    const before = await runs();
    const requests = model.requests.length;
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ channel: "telegram" }, "channel and to must be set together for hook delivery"],
      [{ to: "42" }, "channel and to must be set together for hook delivery"],
      [{ channel: "telegram", to: "  " }, "to must be a non-empty string for hook delivery"],
      [{ to: "42", accountId: "ops" }, "accountId requires channel and to for hook delivery"],
      [{ channel: "telegram", to: "42", accountId: "" }, "accountId must be a non-empty string for hook delivery"],
      [{ channel: "last", to: "42" }, "channel must name a concrete channel for hook delivery"],
      [{ channel: "discord", to: "42" }, "channel must be last|telegram"],
      [{ channel: "telegram", to: "42", accountId: "ghost" }, 'Unknown account "ghost" for channel telegram.'],
      [{ channel: "telegram", to: "42", accountId: "off" }, 'Account "off" for channel telegram is disabled.'],
      [{ channel: "telegram", to: "42", accountId: "!!!" }, 'Invalid account ID "!!!".'],
      [{ waitForCompletion: "yes" }, "waitForCompletion must be boolean"],
    ];
    for (const [extra, error] of refused) {
      expect([extra, await hook("/hooks/agent", { message: "never runs", ...extra })]).toMatchObject([extra, { status: 400, json: { ok: false, error } }]);
    }
    expect(await runs()).toBe(before);
    expect(model.requests.length).toBe(requests);
  });

  test("deliver:false ignores destination fields; no destination announces nothing (no delivery facts)", async () => {
    const calls = tg.callsOf("sendMessage").length;
    const off = await hook("/hooks/agent", { message: "keep quiet", deliver: false, channel: "discord", to: "", waitForCompletion: true });
    expect(off).toMatchObject({ status: 200, json: { ok: true, completion: { status: "ok", replyDisposition: "visible" } } });
    expect(Object.keys(off.json.completion).sort()).toEqual(["replyDisposition", "status"]);
    const none = await hook("/hooks/agent", { message: "no destination", waitForCompletion: true });
    expect(none.json.completion).toEqual({ status: "ok", replyDisposition: "visible" });
    expect(tg.callsOf("sendMessage").length).toBe(calls);
  });

  test("a failed send is delivery-failed (no detail); a NO_REPLY reply is suppressed; a failed run sends nothing", async () => {
    tg.failNext("sendMessage", { status: 400, description: "Bad Request: chat not found" });
    const failed = await hook("/hooks/agent", { message: "lost", channel: "telegram", to: "424242", waitForCompletion: true });
    expect(failed).toMatchObject({ status: 200, json: { ok: true, completion: { status: "ok", delivered: false, deliveryAttempted: true, deliveryError: "delivery-failed" } } });
    expect(failed.text).not.toContain("chat not found");
    // The operator's log keeps the reason.
    await gw.waitForOutput(/hook agent run \S+ completed \(agent\) status=ok to=telegram 424242 deliveryError=.*chat not found/);

    const calls = tg.callsOf("sendMessage").length;
    const silent = await hook("/hooks/agent", { message: "anything?", model: "stand/script-silent", channel: "telegram", to: String(OWNER), waitForCompletion: true });
    expect(silent.json.completion).toEqual({ status: "ok", replyDisposition: "silent", delivered: false, deliveryAttempted: false, deliverySuppressionReason: "silent" });
    // A failed run announces nothing and says so without the provider's error.
    const broken = await hook("/hooks/agent", { message: "explode", model: "stand/fail-x", channel: "telegram", to: String(OWNER), waitForCompletion: true });
    expect(broken).toMatchObject({ status: 200, json: { ok: true, completion: { status: "error", replyDisposition: "empty" } } });
    expect(broken.text).not.toContain("upstream exploded");
    expect(tg.callsOf("sendMessage").length).toBe(calls);
  });
});

describe("mappings", () => {
  test("a templated `to` on a named channel receives the reply", async () => {
    expect(await hook("/hooks/ci", { n: 17, chat: String(TEAM) })).toMatchObject({ status: 200, json: { ok: true } });
    await sent(TEAM, "build 17 failed");
    // `<chat>:topic:<n>` names a forum topic of that chat.
    expect(await hook("/hooks/ci", { n: 18, chat: `${TEAM}:topic:7` })).toMatchObject({ status: 200 });
    expect((await sent(TEAM, "build 18 failed")).params.message_thread_id).toBe(7);
  });

  test("channel defaults to 'last': the reply goes to the agent's last conversation; deliver:false sends nothing", async () => {
    tg.message(BOT, { from: OWNER, text: "hello bot" });
    await sent(OWNER, "hello bot");
    expect(await hook("/hooks/ping", { n: 5 })).toMatchObject({ status: 200 });
    await sent(OWNER, "ping 5");

    const quiet = await hook("/hooks/quiet", { n: 6 });
    expect(quiet.status).toBe(200);
    expect((await op.request("agent.wait", { runId: quiet.json.runId, timeoutMs: 10_000 })).payload).toMatchObject({ status: "ok" });
    // The run's reply was settled (and not announced) by the time a later announced run arrives.
    expect(await hook("/hooks/ping", { n: 7 })).toMatchObject({ status: 200 });
    await sent(OWNER, "ping 7");
    expect(tg.callsOf("sendMessage").filter((c) => String(c.params.text).includes("quiet 6"))).toEqual([]);
  });

  test("a channel this build does not have is refused", async () => {
    expect(await hook("/hooks/elsewhere", {})).toMatchObject({ status: 400, json: { ok: false, error: "channel must be last|telegram" } });
  });
});

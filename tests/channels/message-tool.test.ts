// The agent's `message` tool (the reference's name and parameters) on a real gateway: a stand-in model asks for
// it, the stand-in Bot API receives the message; without a target it answers in the turn's own chat; the tool
// policy removes it; a bad call comes back to the model as a tool error. Also the routes unasked-for output
// takes (owner DM, last conversation kept across restarts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LastRoutes, ownerRoute } from "../../src/channels/routes.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const BOT = "6161:message-tool-token";
const OWNER = 111;
let model: StandIn;
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let op: TestSocket;

beforeAll(async () => {
  ({ model, tg, gw, rpc: op } = await startTelegramGateway({
    bots: { [BOT]: { id: 6161, username: "tool_bot", first_name: "Tool" } },
    config: (model, tg) => {
      const base = agentsConfig(model, false) as any;
      return {
        ...base,
        channels: { telegram: { botToken: BOT, apiRoot: tg.url, dmPolicy: "allowlist", allowFrom: [String(OWNER)] } },
        bindings: [{ agentId: "courier", match: { channel: "telegram" } }],
        agents: {
          defaults: base.agents.defaults,
          entries: {
            ...base.agents.entries,
            courier: { model: "stand/script-reply-here" },
            mute: { model: "stand/script-mute", tools: { deny: ["group:messaging"] } },
          },
        },
      };
    },
  }));
});
afterAll(stopTelegramGateways);

const toolResult = (body: any) => body.messages.find((m: any) => m.role === "tool")?.content as string;

test("a model's message call sends to the chat it names; the tool result tells the model it went out", async () => {
  model.script("courier-send", [{ tools: [{ name: "message", args: { action: "send", channel: "telegram", target: "444", message: "deploy finished" } }] }, { text: "told them" }]);
  const res = await op.request("agent", { message: "tell 444 the deploy is done", sessionKey: "ops-room", model: "stand/script-courier-send", idempotencyKey: "mt-1" });
  expect(res.ok).toBe(true);
  const sent = await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === 444);
  expect(sent.params.text).toBe("deploy finished");
  const second = await model.waitFor((r) => r.model === "script-courier-send" && r.body.messages.some((m: any) => m.role === "tool"));
  expect(JSON.parse(toolResult(second.body))).toMatchObject({ ok: true, action: "send", channel: "telegram", target: "444", messageId: expect.any(String) });
  const first = model.requests.find((r) => r.model === "script-courier-send")!;
  const tool = first.body.tools.find((t: any) => t.function.name === "message");
  expect(tool.function.parameters.properties).toMatchObject({ action: { enum: ["send", "edit", "delete"] }, target: { type: "string" }, message: { type: "string" } });
});

test("without a target the message goes to the conversation the turn came from", async () => {
  model.script("reply-here", [{ tools: [{ name: "message", args: { action: "send", message: "a note on the side" } }] }, { text: "and my answer" }]);
  tg.message(BOT, { from: OWNER, text: "ping" });
  const note = await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === OWNER && c.params.text === "a note on the side");
  expect(note).toBeDefined();
  await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === OWNER && c.params.text === "and my answer");
});

test("a call the channel cannot carry is a tool error the model reads; denied by policy, the tool is not offered", async () => {
  model.script("courier-bad", [{ tools: [{ name: "message", args: { action: "send", channel: "discord", target: "1", message: "x" } }] }, { text: "ok" }]);
  await op.request("agent", { message: "try discord", sessionKey: "ops-bad", model: "stand/script-courier-bad", idempotencyKey: "mt-2" });
  const after = await model.waitFor((r) => r.model === "script-courier-bad" && r.body.messages.some((m: any) => m.role === "tool"));
  expect(toolResult(after.body)).toContain("channel discord is not configured");
  model.script("mute", [{ text: "quiet" }]);
  await op.request("agent", { message: "hi", agentId: "mute", idempotencyKey: "mt-3" });
  const muted = await model.waitFor((r) => r.model === "script-mute");
  expect((muted.body.tools ?? []).map((t: any) => t.function.name)).not.toContain("message");
  expect((muted.body.tools ?? []).length).toBeGreaterThan(0);
});

test("/tools/invoke runs the same message tool under the same policy", async () => {
  const invoke = (body: unknown) => fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const res = await invoke({ tool: "message", args: { action: "send", target: "555", message: "from http" } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  expect((await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === 555)).params.text).toBe("from http");
  expect((await invoke({ tool: "message", agentId: "mute", args: { action: "send", target: "555", message: "no" } })).status).toBe(404);
});

test("an owner target is the first concrete ownerAllowFrom entry, then a channel's allowFrom; never a group or *", () => {
  const channels = { telegram: { allowFrom: ["*", "tg:555"] } };
  expect(ownerRoute({ channels })).toEqual({ channel: "telegram", to: "555", chatType: "direct" });
  expect(ownerRoute({ channels, commands: { ownerAllowFrom: ["telegram:-100", "telegram:777"] } })).toEqual({ channel: "telegram", to: "777", chatType: "direct" });
  expect(ownerRoute({ channels: { telegram: { allowFrom: ["*"] } } })).toBeUndefined();
  expect(ownerRoute({ commands: { ownerAllowFrom: ["telegram:777"] } })).toBeUndefined();
});

test("last routes survive a restart in an owner-only file; a damaged file is ignored", () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-routes-"));
  try {
    const file = join(dir, "channels", "last-routes.json");
    const first = new LastRoutes(file);
    first.record("ops", "agent:ops:main", { channel: "telegram", to: "111", accountId: "default", chatType: "direct" });
    first.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toContain('"111"');
    const again = new LastRoutes(file);
    expect(again.get("ops", "agent:ops:main")).toEqual({ channel: "telegram", to: "111", accountId: "default", chatType: "direct" });
    expect(again.get("ops")).toMatchObject({ to: "111" });
    // The same chat again is nothing new to write; another chat is.
    rmSync(file);
    first.record("ops", "agent:ops:main", { channel: "telegram", to: "111", accountId: "default", chatType: "direct" });
    first.flush();
    expect(existsSync(file)).toBe(false);
    first.record("ops", "agent:ops:main", { channel: "telegram", to: "222", accountId: "default", chatType: "direct" });
    first.flush();
    expect(new LastRoutes(file).get("ops")).toMatchObject({ to: "222" });
    writeFileSync(file, "{not json");
    expect(new LastRoutes(file).get("ops")).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

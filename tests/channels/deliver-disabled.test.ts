// The delivery path `agent --deliver`, cron announce and heartbeat alerts share refuses a switched-off account
// (its own `enabled: false`, or its channel's) before any send, with the reference's text: end to end through
// `agent --to --deliver` and a cron announce on a real gateway, and on a runtime stand-in for a disabled channel.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { deliverReply } from "../../src/channels/outbound.ts";
import type { ChannelRuntime } from "../../src/channels/runtime.ts";
import { agentsConfig } from "../agents/_setup.ts";
import { cli } from "../helpers/cli.ts";
import type { TestSocket } from "../helpers/ws.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const BOT = "5252:deliver-on-token";
const OFF_BOT = "6464:deliver-off-token";
const OWNER = 4242;
let tg: TelegramStandIn;
let op: TestSocket;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ tg, rpc: op, cliEnv: env } = await startTelegramGateway({
    bots: { [BOT]: { id: 5252, username: "on_bot", first_name: "On" }, [OFF_BOT]: { id: 6464, username: "off_bot", first_name: "Off" } },
    config: (model, tg) => ({
      ...agentsConfig(model, false),
      channels: { telegram: { botToken: BOT, apiRoot: tg.url, allowFrom: [String(OWNER)], accounts: { off: { botToken: OFF_BOT, enabled: false } } } },
    }),
  }));
});
afterAll(stopTelegramGateways);

const offSends = () => tg.callsOf("sendMessage", OFF_BOT).length + tg.callsOf("sendMessage", BOT).filter((c) => String(c.params.text).includes("never sent")).length;

test("agent --to --deliver from a disabled account: the turn runs, the reply is refused with the reference's text", async () => {
  const out = await cli(["agent", "--to", String(OWNER), "--deliver", "--reply-account", "off", "--message", "never sent", "--json"], env);
  expect(out.code).toBe(1);
  expect(JSON.parse(out.stdout).deliveryStatus).toEqual({ requested: true, attempted: false, status: "failed", succeeded: false, resultCount: 0, error: 'Account "off" for channel telegram is disabled.' });
  const text = await cli(["agent", "--to", String(OWNER), "--deliver", "--reply-account", "off", "--message", "never sent either"], env);
  expect(text.stderr).toContain('Delivery failed: Account "off" for channel telegram is disabled.');
  expect(offSends()).toBe(0);
});

test("a cron announce through a disabled account fails the run with that text (best effort: recorded, not failed)", async () => {
  const add = await op.request("cron.add", { name: "off", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "never sent" }, delivery: { mode: "announce", channel: "telegram", to: String(OWNER), accountId: "off" } });
  expect(add.ok).toBe(true);
  const id = (add.payload as { id: string }).id;
  /** One forced run, and its `finished` event (matched by run id: the socket keeps earlier frames). */
  const run = async () => {
    const started = await op.request("cron.run", { id });
    const runId = (started.payload as { runId: string }).runId;
    return (await op.next((f) => f.event === "cron" && f.payload?.runId === runId && f.payload?.action === "finished", 15_000)).payload;
  };
  expect(await run()).toMatchObject({ status: "error", delivered: false, deliveryStatus: "not-delivered", error: `delivery to telegram ${OWNER} failed: Account "off" for channel telegram is disabled.` });
  expect((await op.request("cron.update", { id, patch: { delivery: { mode: "announce", channel: "telegram", to: String(OWNER), accountId: "off", bestEffort: true } } })).ok).toBe(true);
  expect(await run()).toMatchObject({ status: "ok", deliveryStatus: "not-delivered", deliveryError: `delivery to telegram ${OWNER} failed: Account "off" for channel telegram is disabled.` });
  expect(offSends()).toBe(0);
});

test("a channel switched off in config makes its default account refuse too, before the transport is touched", async () => {
  let touched = false;
  const supervisor = { configured: true, account: { accountId: "default", enabled: false }, plugin: { id: "telegram", normalizeId: (to: string) => to }, ensureTransport: () => ((touched = true), { send: async () => ({ messageIds: ["1"], chatId: "1" }) }) };
  const rt = { account: () => supervisor } as unknown as ChannelRuntime;
  expect(await deliverReply(rt, { to: "1" }, "hi")).toMatchObject({ status: "failed", attempted: false, error: 'Account "default" for channel telegram is disabled.' });
  expect(touched).toBe(false);
});

test("message send (the send RPC) through a disabled account is refused with the same text; nothing is sent", async () => {
  const out = await cli(["message", "send", "--channel", "telegram", "--account", "off", "--target", String(OWNER), "--message", "never sent by hand"], env);
  expect(out.code).toBe(1);
  expect(out.stderr).toContain('Account "off" for channel telegram is disabled.');
  const rpc = await op.request("send", { channel: "telegram", accountId: "off", to: String(OWNER), message: "never sent by rpc", idempotencyKey: "off-send" });
  expect(rpc.ok).toBe(false);
  expect(rpc.error?.message).toBe('Account "off" for channel telegram is disabled.');
  expect(offSends()).toBe(0);
});

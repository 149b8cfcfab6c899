// Webhook mode on the gateway port: setWebhook with the secret, updates posted by "Telegram" are answered,
// a wrong secret is refused before the body is read; a webhook without a secret is a config problem.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { freePort, type SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const TOKEN = "7070:hook-token";
const NOSECRET = "7071:nosecret-token";
const SECRET = "s3cret_value-1";
let model: StandIn;
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let rpc: TestSocket;

beforeAll(async () => {
  // The webhook URLs name the gateway's own port, so it is chosen before the config is written.
  const port = freePort();
  ({ model, tg, gw, rpc } = await startTelegramGateway({
    bots: { [TOKEN]: { id: 7070, username: "hook_bot", first_name: "Hook" }, [NOSECRET]: { id: 7071, username: "open_bot", first_name: "Open" } },
    port,
    config: (model, tg) => ({
      ...agentsConfig(model, false),
      channels: {
        telegram: {
          botToken: TOKEN,
          apiRoot: tg.url,
          allowFrom: ["55"],
          webhookUrl: `http://127.0.0.1:${port}/telegram-webhook`,
          webhookSecret: SECRET,
          accounts: { open: { botToken: NOSECRET, webhookUrl: `http://127.0.0.1:${port}/x` } },
        },
      },
    }),
    ready: (c) => c.method === "setWebhook" && c.token === TOKEN,
  }));
});
afterAll(stopTelegramGateways);

test("the account registers its webhook with the secret and never long-polls", async () => {
  expect(tg.webhookOf(TOKEN)).toEqual({ url: `${gw.httpUrl}/telegram-webhook`, secret: SECRET });
  expect(tg.callsOf("getUpdates", TOKEN)).toHaveLength(0);
  // setWebhook is followed by setMyCommands before the account reports connected: wait for that state.
  const end = Date.now() + 10_000;
  let account: any;
  do {
    const status = (await rpc.request("channels.status", {})).payload;
    account = status.channelAccounts.telegram.find((a: any) => a.accountId === "default");
    if (!account.connected) await new Promise((r) => setTimeout(r, 20));
  } while (!account.connected && Date.now() < end);
  expect(account).toMatchObject({ connected: true, mode: "webhook", webhookPath: "/telegram-webhook" });
});

test("a posted update is answered in the chat; a wrong or missing secret gets 401 and nothing happens", async () => {
  const bad = await tg.deliver(TOKEN, { message: { message_id: 1, from: { id: 55, is_bot: false, first_name: "U" }, chat: { id: 55, type: "private" }, date: 0, text: "sneaky" } }, "wrong");
  expect(bad.status).toBe(401);
  const res = await tg.deliver(TOKEN, { message: { message_id: 2, from: { id: 55, is_bot: false, first_name: "U" }, chat: { id: 55, type: "private" }, date: 0, text: "via webhook" } });
  expect(res.status).toBe(200);
  await tg.waitFor((c) => c.method === "sendMessage" && String(c.params.text).includes("echo(alpha): via webhook"));
  expect(model.requests.some((r) => JSON.stringify(r.body).includes("sneaky"))).toBe(false);
  const get = await fetch(`${gw.httpUrl}/telegram-webhook`);
  expect(get.status).toBe(405);
});

test("a webhook without a secret is a config problem: that account stays down, the other runs", async () => {
  const status = (await rpc.request("channels.status", {})).payload;
  const open = status.channelAccounts.telegram.find((a: any) => a.accountId === "open");
  expect(open).toMatchObject({ configured: false, running: false });
  expect(open.lastError).toContain("webhookSecret");
  expect(tg.callsOf("setWebhook", NOSECRET)).toHaveLength(0);
  expect((await fetch(`${gw.httpUrl}/x`, { method: "POST", body: "{}" })).status).toBe(404);
});

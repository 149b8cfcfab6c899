// A burst bigger than one account's admission bound: every message is answered (the poller fetches only what
// the account can take; the rest waits at the Bot API), none is dropped.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const TOKEN = "6161:burst-token";
const BURST = 150;
let tg: TelegramStandIn;

beforeAll(async () => {
  ({ tg } = await startTelegramGateway({
    bots: { [TOKEN]: { id: 6161, username: "burst_bot", first_name: "B" } },
    config: (model, tg) => ({
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "b" }] } } },
      agents: { defaults: { model: "stand/b", maxConcurrent: 8 } },
      session: { dmScope: "per-channel-peer" },
      channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, dmPolicy: "open", allowFrom: ["*"], streaming: "off" } },
    }),
  }));
});
afterAll(stopTelegramGateways);

test(`${BURST} DMs from distinct senders queued at once all get their reply`, async () => {
  for (let i = 0; i < BURST; i++) tg.message(TOKEN, { from: 20_000 + i, text: `burst ${i}` });
  await tg.waitFor(() => tg.callsOf("sendMessage").length >= BURST, 60_000);
  const answered = new Set(tg.callsOf("sendMessage").map((c) => Number(c.params.chat_id)));
  expect(answered.size).toBe(BURST);
  // No poll asked for more than the account could take.
  expect(tg.callsOf("getUpdates").every((c) => Number(c.params.limit ?? 100) <= 64)).toBe(true);
});

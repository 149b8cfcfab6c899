// Queue mode `steer` on a channel: a DM that arrives while its session's turn is running joins that turn at its
// next model round (one run, one reply that answers both). The stand-in model holds its answer mid-stream
// until the test releases it, so "while running" needs no clock.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { TestSocket } from "../helpers/ws.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const TOKEN = "7171:steer-token";
const OWNER = 4242;
let model: StandIn;
let tg: TelegramStandIn;
let rpc: TestSocket;

beforeAll(async () => {
  ({ model, tg, rpc } = await startTelegramGateway({
    bots: { [TOKEN]: { id: 7171, username: "steer_bot", first_name: "S" } },
    config: (model, tg) => ({
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "hold-x" }] } } },
      agents: { defaults: { model: "stand/hold-x" } },
      channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, dmPolicy: "allowlist", allowFrom: [String(OWNER)], streaming: "off" } },
    }),
  }));
});
afterAll(stopTelegramGateways);

const lastUser = (text: string) => (r: { model: string; body: any }) => r.model === "hold-x" && r.body.messages.at(-1)?.content === text;

test("a DM during the running turn is steered into it: the model gets a second round with it, one run, one reply", async () => {
  tg.message(TOKEN, { from: OWNER, text: "first" });
  await model.waitFor(lastUser("first"));
  tg.message(TOKEN, { from: OWNER, text: "second" });
  // Steering announces the user message at once; a followup would stay silent until its own run starts.
  await rpc.next((f) => f.event === "session.message" && f.payload.message.role === "user" && f.payload.message.content === "second");
  model.release();
  const round2 = await model.waitFor(lastUser("second"));
  model.release();
  const reply = await tg.waitFor((c) => c.method === "sendMessage" && Number(c.params.chat_id) === OWNER);
  expect(reply.params.text).toBe("echo(hold-x): second");
  expect(round2.body.messages.slice(-3).map((m: any) => [m.role, m.content])).toEqual([["user", "first"], ["assistant", "echo(hold-x): first"], ["user", "second"]]);
  const runs = new Set(rpc.frames.filter((f) => f.event === "agent" && f.payload?.sessionKey === "agent:main:main" && f.payload.stream === "lifecycle" && f.payload.data?.phase === "start").map((f) => f.payload.runId));
  expect(runs.size).toBe(1);
  const history = (await rpc.request("chat.history", { sessionKey: "agent:main:main" })).payload.messages as any[];
  expect(history.map((m) => (typeof m.content === "string" ? m.content : m.content.map((c: any) => c.text).join("")))).toEqual(["first", "echo(hold-x): first", "second", "echo(hold-x): second"]);
});

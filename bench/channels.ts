#!/usr/bin/env bun
// `bun bench/channels.ts [--bin dist/openclaw] [--n 200] [--burst 500]`: the gateway's own overhead on a
// Telegram message, against the stand-in Bot API and a stand-in model that answers at once (both on loopback).
//   latency: an update becomes available to getUpdates → the first Bot API call the gateway makes for it
//            (sendChatAction), and → the reply's sendMessage; sequential, p50/p99/max.
//   burst:   `--burst` DMs from distinct senders queued at once (per-peer sessions) → all replies sent; msgs/s.
import { startStandIn } from "../tests/agents/stand-in.ts";
import { spawnGateway, stopAllGateways } from "../tests/helpers/gateway.ts";
import { startTelegramStandIn } from "../tests/channels/telegram-stand-in.ts";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const N = Number(opt("--n", "200"));
const BURST = Number(opt("--burst", "500"));
const bin = argv.includes("--bin") ? opt("--bin", "") : undefined;
const TOKEN = "9191:bench-token";

const model = startStandIn();
const tg = startTelegramStandIn({ [TOKEN]: { id: 9191, username: "bench_bot", first_name: "Bench" } });
const gw = await spawnGateway({
  binary: bin,
  config: {
    models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "b" }] } } },
    agents: { defaults: { model: "stand/b", maxConcurrent: 64 } },
    session: { dmScope: "per-channel-peer" },
    channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, dmPolicy: "open", allowFrom: ["*"], streaming: "off" } },
  },
});
try {
  await tg.waitFor((c) => c.method === "getUpdates");
  const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const firstByte: number[] = [];
  const reply: number[] = [];
  for (let i = 0; i < N; i++) {
    const from = tg.calls.length;
    const t0 = performance.now();
    tg.message(TOKEN, { from: 5000 + (i % 50), text: `ping ${i}` });
    await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendChatAction");
    firstByte.push(performance.now() - t0);
    await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && String(c.params.text).includes(`ping ${i}`));
    reply.push(performance.now() - t0);
  }
  const from = tg.calls.length;
  const t0 = performance.now();
  for (let i = 0; i < BURST; i++) tg.message(TOKEN, { from: 100_000 + i, text: `burst ${i}` });
  await tg.waitFor(() => tg.calls.slice(from).filter((c) => c.method === "sendMessage").length >= BURST, 120_000);
  const seconds = (performance.now() - t0) / 1000;
  const round = (x: number) => Math.round(x * 100) / 100;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(await Bun.file(`/proc/${gw.pid}/status`).text())?.[1] ?? 0);
  console.log(JSON.stringify({
    gateway: bin ?? "source",
    latencyMs: {
      firstOutbound: { p50: round(pct(firstByte, 50)), p99: round(pct(firstByte, 99)), max: round(Math.max(...firstByte)), n: N },
      reply: { p50: round(pct(reply, 50)), p99: round(pct(reply, 99)), max: round(Math.max(...reply)), n: N },
    },
    burst: { messages: BURST, seconds: round(seconds), messagesPerSecond: round(BURST / seconds) },
    rssAfterKiB: rss,
  }, null, 2));
} finally {
  await stopAllGateways();
  model.stop();
  tg.kill();
}

// The scale rows that cross a socket to a stand-in: a Telegram account (tests/channels/telegram-stand-in.ts, a
// model stand-in that answers at once) and one agent run's deltas fanned out to 1,000 clients. Ours only; each
// row is set next to a stated bound (a bare long-poll client on the same stand-in; Telegram's own send limit).
import { startStandIn } from "../tests/agents/stand-in.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../tests/channels/telegram-stand-in.ts";
import { spawnGateway } from "../tests/helpers/gateway.ts";
import { runLoad } from "./_load.ts";
import { startServer, type Binaries } from "./_proc.ts";
import type { Row } from "./_report.ts";
import { latency } from "./_stats.ts";

export interface ScaleIo { telegram: unknown; broadcast: unknown }

const BOT = "9191:bench-token";
const BARE = "9292:bare-token";
/** Telegram's documented ceiling for one bot sending to many chats: about 30 messages per second. */
const TELEGRAM_SEND_LIMIT = 30;

/**
 * The bound for update → first outbound call: the least a client can do on the same stand-in, over the same
 * loopback HTTP: long-poll getUpdates and answer each update with sendChatAction at once.
 */
function barePoller(root: string): { stop(): void } {
  let stopped = false;
  void (async () => {
    let offset = 0;
    while (!stopped) {
      try {
        const res = await fetch(`${root}/bot${BARE}/getUpdates`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offset, timeout: 30 }) });
        const body = (await res.json()) as { result: Array<{ update_id: number; message: { chat: { id: number } } }> };
        for (const u of body.result) {
          offset = u.update_id + 1;
          await fetch(`${root}/bot${BARE}/sendChatAction`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chat_id: u.message.chat.id, action: "typing" }) });
        }
      } catch {
        if (!stopped) await Bun.sleep(10);
      }
    }
  })();
  return { stop: () => { stopped = true; } };
}

/** The model's own share of a reply: one streamed answer from the stand-in, read to its end, p50 of 20. */
async function modelFloor(url: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk" },
      body: JSON.stringify({ model: "b", stream: true, messages: [{ role: "user", content: `ping ${i}` }] }),
    });
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return latency(samples).p50;
}

/** `n` sequential DMs: update queued → the bot's first Bot API call for it (and → its reply, when asked). */
async function updateLatency(tg: TelegramStandIn, token: string, n: number, tag: string, withReply: boolean) {
  const first: number[] = [];
  const reply: number[] = [];
  for (let i = 0; i < n; i++) {
    // The stand-in tests each new call against every waiter inside its handler: keep the predicate O(1), or the
    // bench's own bookkeeping there is what gets measured.
    const old = new Set(tg.calls);
    const t0 = performance.now();
    tg.message(token, { from: 5000 + (i % 50), text: `${tag} ${i}` });
    await tg.waitFor((c) => c.method === "sendChatAction" && !old.has(c));
    first.push(performance.now() - t0);
    if (!withReply) continue;
    await tg.waitFor((c) => c.method === "sendMessage" && !old.has(c) && String(c.params.text).includes(`${tag} ${i}`));
    reply.push(performance.now() - t0);
  }
  return { first: latency(first), reply: latency(reply) };
}

/** Telegram inbound → first outbound byte, and the messages per second one account sustains. */
export async function telegram(bins: Binaries, n: number, burst: number): Promise<{ rows: Row[]; raw: unknown }> {
  const model = startStandIn();
  const tg = startTelegramStandIn({ [BOT]: { id: 9191, username: "bench_bot", first_name: "Bench" }, [BARE]: { id: 9292, username: "bare_bot", first_name: "Bare" } });
  const bare = barePoller(tg.url);
  const gw = await spawnGateway({
    binary: bins.ours,
    config: {
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "b" }] } } },
      agents: { defaults: { model: "stand/b", maxConcurrent: 64 } },
      session: { dmScope: "per-channel-peer" },
      channels: { telegram: { botToken: BOT, apiRoot: tg.url, dmPolicy: "open", allowFrom: ["*"], streaming: "off" } },
    },
  });
  try {
    await tg.waitFor((c) => c.method === "getUpdates" && c.token === BOT);
    const floor = await updateLatency(tg, BARE, n, "bare", false);
    const ours = await updateLatency(tg, BOT, n, "ping", true);
    const replyFloor = await modelFloor(model.url);
    let scanned = tg.calls.length;
    let sent = 0;
    const allSent = () => {
      for (; scanned < tg.calls.length; scanned++) if (tg.calls[scanned]!.method === "sendMessage") sent++;
      return sent >= burst;
    };
    const t0 = performance.now();
    for (let i = 0; i < burst; i++) tg.message(BOT, { from: 100_000 + i, text: `burst ${i}` });
    await tg.waitFor(allSent, 120_000);
    const perSecond = burst / ((performance.now() - t0) / 1000);
    return {
      rows: [
        {
          figure: `Telegram update → first Bot API call, p99 (${n} sequential; ceiling column: a bare long-poll client)`, unit: "ms", ours: ours.first.p99, ceiling: floor.first.p99,
          oursNote: `(p50 ${ours.first.p50.toFixed(2)})`, ceilingNote: `(p50 ${floor.first.p50.toFixed(2)})`, target: "≤ bare + 10 ms", pass: ours.first.p99 <= floor.first.p99 + 10,
        },
        {
          figure: "Telegram update → reply sendMessage, p50 (ceiling column: the stand-in model's streamed answer alone)", unit: "ms", ours: ours.reply.p50, ceiling: replyFloor,
          oursNote: `(p99 ${ours.reply.p99.toFixed(2)})`, target: "≤ model + 15 ms", pass: ours.reply.p50 <= replyFloor + 15,
        },
        {
          figure: `Telegram: messages/s one account sustains (${burst} DMs from distinct senders; bound: Telegram's ~${TELEGRAM_SEND_LIMIT}/s per bot)`, unit: "msg/s", ours: perSecond, ceiling: Number.NaN,
          higherIsBetter: true, target: `≥ ${TELEGRAM_SEND_LIMIT} msg/s`, pass: perSecond >= TELEGRAM_SEND_LIMIT,
        },
      ],
      raw: { bareClient: { first: floor.first }, modelAnswerMs: replyFloor, ours, burst: { messages: burst, perSecond } },
    };
  } finally {
    bare.stop();
    await gw.stop();
    model.stop();
    tg.kill();
  }
}

type Spread = { deltas: number; missing: number; spread: ReturnType<typeof latency> };

/**
 * One agent run's deltas (60, 150 ms apart) to `listeners` operator.read clients, from a load process; the
 * ceiling beside it fans out two `health` frames per step (a delta is an `agent` and a `chat` frame) to as many
 * clients, read by the same kind of process.
 */
export async function agentBroadcast(bins: Binaries, listeners: number): Promise<{ rows: Row[]; raw: unknown }> {
  const model = startStandIn();
  const gw = await startServer("ours", bins, {
    manyFds: true,
    config: {
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "slow-b" }] } } },
      agents: { defaults: { model: "stand/slow-b" } },
    },
  });
  let ours: Spread;
  try {
    ours = await runLoad<Spread>("agent-broadcast", { port: gw.port, token: gw.token, count: listeners }, 120_000);
  } finally {
    await gw.stop();
    model.stop();
  }
  const ceiling = await startServer("ceiling", bins, { manyFds: true });
  let bound: Spread;
  try {
    bound = await runLoad<Spread>("health-spread", { port: ceiling.port, token: ceiling.token, count: listeners, rounds: Math.max(20, ours.deltas) }, 120_000);
  } finally {
    await ceiling.stop();
  }
  return {
    // The median spread: p99 of ~50 deltas is their maximum, one scheduler hiccup on a shared machine.
    rows: [{
      figure: `agent delta to ${listeners} clients: first→last arrival spread p50 (${ours.deltas} deltas; ceiling: the same two-frame fan-out of health events)`, unit: "ms", ours: ours.spread.p50, ceiling: bound.spread.p50,
      oursNote: `(p99 ${ours.spread.p99.toFixed(2)}, ${ours.missing} missing)`, ceilingNote: `(p99 ${bound.spread.p99.toFixed(2)})`,
      target: "≤ 1.5× ceiling, none missing", pass: ours.spread.p50 <= 1.5 * bound.spread.p50 && ours.missing === 0 && ours.deltas > 0,
    }],
    raw: { ours, ceiling: bound },
  };
}

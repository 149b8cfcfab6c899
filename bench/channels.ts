#!/usr/bin/env bun
// `bun bench/channels.ts [--bin dist/openclaw] [--n 200] [--burst 500]`: the gateway's own overhead on a
// Telegram message, against the stand-in Bot API and a stand-in model that answers at once (both on loopback):
// the Telegram rows of `npm run bench` (bench/_rows-scale-io.ts) on their own, from source unless --bin is given.
//   latency: an update becomes available to getUpdates → the first Bot API call the gateway makes for it
//            (sendChatAction), and → the reply's sendMessage; sequential, p50/p99/max; beside a bare client.
//   burst:   `--burst` DMs from distinct senders queued at once (per-peer sessions) → all replies sent; msgs/s.
import { telegram } from "./_rows-scale-io.ts";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
// An empty binary path makes spawnGateway run the gateway from source.
const { raw } = await telegram({ ours: opt("--bin", ""), ceiling: "" }, Number(opt("--n", "200")), Number(opt("--burst", "500")));
console.log(JSON.stringify({ gateway: opt("--bin", "source"), ...(raw as object) }, null, 2));

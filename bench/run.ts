#!/usr/bin/env bun
// `npm run bench [-- --quick] [-- --ref HEAD] [-- --bin path/to/openclaw]`: builds ours and the ceiling
// (bench/limit-server.ts) with the release flags, measures both, prints the table and writes
// bench/results/<date>-<commit>.json. Method and the latest numbers: BENCHMARKS.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { buildBinaries } from "./_build.ts";
import { kibToKB, kibToMB, ratio, table, type Row } from "./_report.ts";
import { agentEvents } from "./_rows-agents.ts";
import { loadedIdle } from "./_rows-loaded.ts";
import { scaleRows } from "./_rows-scale.ts";
import { capacity, cliHealth, cliVersion, coldStart, coldStartFlags, handshakeSlices, healthVsPresence, load, PLANS, startPair, throughput, type Pair } from "./_rows.ts";
import { round } from "./_stats.ts";

type Latency = { p50: number; p99: number; max: number; n: number };

const argv = process.argv.slice(2);
const option = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const unknown = argv.filter((a, i) => !["--quick", "--ref", "--bin"].includes(a) && !["--ref", "--bin"].includes(argv[i - 1] ?? ""));
if (unknown.length > 0) {
  console.error(`bench: unknown argument ${unknown.join(" ")}\nusage: bun bench/run.ts [--quick] [--ref <git ref>] [--bin <openclaw binary>]`);
  process.exit(2);
}
const mode = argv.includes("--quick") ? "quick" : "full";
const plan = PLANS[mode];
const t0 = performance.now();
const step = (what: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${what}`);
const loadBefore = loadavg();

step(`building (${mode} run)`);
const bins = await buildBinaries({ ref: option("--ref"), bin: option("--bin") });
step(`ours: ${bins.ours} (${bins.commit}); ceiling: ${bins.ceiling}`);

step(`cold start ×${plan.coldStarts}`);
const cold = await coldStart(bins, plan);
step(`cold start, flags only in a fresh HOME ×${plan.coldStarts}`);
const coldFlags = await coldStartFlags(bins, plan);
step(`CLI --version ×${plan.cliRuns}`);
const version = await cliVersion(bins, plan);

step("starting both servers; idle RSS");
const { servers, idleKiB } = await startPair(bins);
let health, healthCpu, handshake, handshakeWarm, handshakeSigned, rpcSeq, rpcPipe, broadcast, http;
try {
  step(`CLI gateway health ×${plan.cliRuns}`);
  health = await cliHealth(bins, plan, servers);
  step(`handshake: ${plan.handshakes} after start, then ${plan.handshakes} warm, in ${plan.splits * 2} alternating slices`);
  handshake = await handshakeSlices(servers, plan.handshakes, plan.splits * 2);
  // The same again on the now-warm servers: the first run includes JIT tier-up of the handshake path.
  handshakeWarm = await handshakeSlices(servers, plan.handshakes, plan.splits * 2);
  step(`handshake with a signed device ×${plan.handshakes} (warm)`);
  // Ours verifies the Ed25519 proof and checks pairing; the ceiling ignores the device block.
  handshakeSigned = await handshakeSlices(servers, plan.handshakes, plan.splits * 2, "handshake-device");
  step(`RPC sequential ×${plan.rpcSequential}`);
  rpcSeq = await load<Latency>(servers, "rpc-seq", { count: plan.rpcSequential, maxMs: 60_000 }, 90_000);
  step(`RPC 32 connections pipelined, ${plan.splits} × ${plan.pipeSeconds} s`);
  rpcPipe = await throughput(servers, "rpc-pipe", { conns: 32, depth: 16 }, plan.pipeSeconds, plan.splits);
  step(`RPC health vs system-presence server CPU (ours), ${plan.splits} × 2 × ${plan.pipeSeconds} s`);
  healthCpu = await healthVsPresence(servers.ours, plan);
  step(`broadcast to ${plan.broadcastListeners} clients ×${plan.broadcastRounds}`);
  broadcast = await load<Latency & { missing: number }>(servers, "broadcast", { count: plan.broadcastListeners, rounds: plan.broadcastRounds }, 120_000);
  step(`HTTP /health, 64 connections, ${plan.splits} × ${plan.httpSeconds} s`);
  http = await throughput(servers, "http", { conns: 64 }, plan.httpSeconds, plan.splits);
} finally {
  await Promise.all([servers.ceiling.stop(), servers.ours.stop()]);
}
step("idle RSS with 1 Telegram account, 100 cron jobs, 10 paired devices (ours only)");
const loaded = await loadedIdle(bins);
step(`capacity: ${plan.capacity} idle connections (fresh servers)`);
const cap = await capacity(bins, plan);
const AGENT_RUNS = 5;
step(`agent events: a 20 KB answer in 5,000 deltas, ${AGENT_RUNS} runs (ours only)`);
const agent = await agentEvents(bins, AGENT_RUNS);
const scale = await scaleRows(bins, mode, step);
step("done");

const both = <T>(p: Pair<T>, f: (v: T) => number) => ({ ours: f(p.ours), ceiling: f(p.ceiling) });
const range = (s: { min: number; max: number }) => `(${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const healthRow: Row = "missing" in health
  ? { figure: "CLI `gateway health` median (not measured: command missing)", unit: "ms", ours: Number.NaN, ceiling: Number.NaN, target: "≤ 80 ms" }
  : { figure: "CLI `gateway health` median", unit: "ms", ...both(health, (s) => s.median), oursNote: range(health.ours), target: "≤ 80 ms", pass: health.ours.median <= 80 };
const allHeld = cap.ours.held === cap.ours.requested && cap.ours.stillOpen === cap.ours.held;
const rows: Row[] = [
  { figure: "cold start → /health 200, median", unit: "ms", ...both(cold, (s) => s.median), oursNote: range(cold.ours), ceilingNote: range(cold.ceiling), target: "≤ 3× ceiling", pass: cold.ours.median <= 3 * cold.ceiling.median },
  { figure: "cold start, flags only, fresh HOME, 2 ms poll", unit: "ms", ...both(coldFlags, (s) => s.median), oursNote: range(coldFlags.ours), ceilingNote: range(coldFlags.ceiling), target: "≤ 3× ceiling", pass: coldFlags.ours.median <= 3 * coldFlags.ceiling.median },
  { figure: "idle RSS, process tree", unit: "MB", ...both(idleKiB, kibToMB), target: "≤ 50 MB", pass: kibToMB(idleKiB.ours) <= 50 },
  loaded.row,
  { figure: "CLI `--version` median", unit: "ms", ...both(version, (s) => s.median), oursNote: range(version.ours), target: "≤ 15 ms", pass: version.ours.median <= 15 },
  healthRow,
  { figure: `handshake p50 (first ${plan.handshakes} sequential after start)`, unit: "ms", ...both(handshake, (s) => s.p50) },
  { figure: "handshake p99 (first run)", unit: "ms", ...both(handshake, (s) => s.p99), target: "≤ 2× ceiling", pass: handshake.ours.p99 <= 2 * handshake.ceiling.p99 },
  { figure: `handshake p99 (next ${plan.handshakes}, warm)`, unit: "ms", ...both(handshakeWarm, (s) => s.p99), target: "≤ 2× ceiling", pass: handshakeWarm.ours.p99 <= 2 * handshakeWarm.ceiling.p99 },
  { figure: "server CPU per handshake (first run)", unit: "µs", ...both(handshake, (s) => s.serverCpuUsPer) },
  { figure: "server CPU per handshake (warm)", unit: "µs", ...both(handshakeWarm, (s) => s.serverCpuUsPer) },
  { figure: "handshake p50, signed device (warm)", unit: "ms", ...both(handshakeSigned, (s) => s.p50) },
  { figure: "server CPU per handshake, signed device (warm)", unit: "µs", ...both(handshakeSigned, (s) => s.serverCpuUsPer) },
  { figure: `RPC health p50 (1 conn, ${plan.rpcSequential} sequential)`, unit: "ms", ...both(rpcSeq, (s) => s.p50) },
  { figure: "RPC health p99 (1 conn)", unit: "ms", ...both(rpcSeq, (s) => s.p99) },
  { figure: `RPC throughput, 32 conns pipelined (${plan.splits}×${plan.pipeSeconds} s)`, unit: "req/s", ...both(rpcPipe, (s) => s.rps), higherIsBetter: true, target: "≥ 0.80× ceiling", pass: rpcPipe.ours.rps >= 0.8 * rpcPipe.ceiling.rps },
  { figure: "RPC server CPU per request (32 conns)", unit: "µs", ...both(rpcPipe, (s) => s.cpuUsPerReq) },
  { figure: "RPC server CPU per request: health (ours) vs system-presence (ours)", unit: "µs", ours: healthCpu.healthUs, ceiling: healthCpu.presenceUs, ceilingNote: "(presence)", target: "≤ 1.2× presence", pass: healthCpu.healthUs <= 1.2 * healthCpu.presenceUs },
  { figure: `capacity: connections held of ${plan.capacity}`, unit: "", ...both(cap, (c) => c.stillOpen), oursNote: `(${cap.ours.connectSeconds.toFixed(1)} s)`, ceilingNote: `(${cap.ceiling.connectSeconds.toFixed(1)} s)`, higherIsBetter: true, target: "all held", pass: allHeld },
  { figure: "capacity: RSS per connection", unit: "KB", ...both(cap, (c) => kibToKB(c.perConnKiB)), target: "≤ 3 KB", pass: kibToKB(cap.ours.perConnKiB) <= 3 },
  { figure: `broadcast to ${plan.broadcastListeners}: arrival p50`, unit: "ms", ...both(broadcast, (s) => s.p50) },
  { figure: "broadcast: arrival p99", unit: "ms", ...both(broadcast, (s) => s.p99), target: "≤ 50 ms", pass: broadcast.ours.p99 <= 50 && broadcast.ours.missing === 0 },
  { figure: `HTTP /health, 64 keep-alive conns (${plan.splits}×${plan.httpSeconds} s)`, unit: "req/s", ...both(http, (s) => s.rps), higherIsBetter: true },
  { figure: "HTTP /health p99", unit: "ms", ...both(http, (s) => s.p99) },
  { figure: "HTTP server CPU per request", unit: "µs", ...both(http, (s) => s.cpuUsPerReq) },
  { figure: `agent run (${agent.answerKB} KB answer, 5,000 deltas): bytes to a client ÷ answer`, unit: "×", ours: agent.bytesPerAnswerByte.median, ceiling: Number.NaN, oursNote: range(agent.bytesPerAnswerByte), target: "≤ 16×", pass: agent.bytesPerAnswerByte.max <= 16 },
  { figure: "agent run: server CPU per answer KB", unit: "µs", ours: agent.cpuUsPerAnswerKB.median, ceiling: Number.NaN, oursNote: range(agent.cpuUsPerAnswerKB) },
  { figure: "agent run: wall time", unit: "ms", ours: agent.runMs.median, ceiling: Number.NaN, oursNote: range(agent.runMs) },
  ...scale.rows,
];

const loadAfter = loadavg();
const text = table(rows);
console.log(`\nOpenClaw gateway benchmarks — ${mode} run, commit ${bins.commit}, ${new Date().toISOString()}`);
console.log(`Bun ${Bun.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load avg before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(text);

const resultsDir = join(import.meta.dir, "results");
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/:/g, "").replace(/\..*$/, "Z");
const file = join(resultsDir, `${stamp}-${bins.commit}.json`);
const raw = { cold, coldFlags, healthCpu, version, health, idleKiB, loaded: loaded.raw, handshake, handshakeWarm, rpcSeq, rpcPipe, broadcast, http, capacity: cap, agent, scale: scale.io };
const results = {
  date: new Date().toISOString(), commit: bins.commit, mode, plan, seconds: round((performance.now() - t0) / 1000, 1),
  machine: { bun: Bun.version, cpus: cpus().length, cpu: cpus()[0]?.model, memBytes: totalmem(), loadBefore, loadAfter },
  rows: rows.map((r) => ({ ...r, ratio: round(ratio(r)) })),
  raw: JSON.parse(JSON.stringify(raw, (_k, v) => (typeof v === "number" ? round(v) : Array.isArray(v) && v.length > 50 ? undefined : v))),
  table: text,
};
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten ${file}`);

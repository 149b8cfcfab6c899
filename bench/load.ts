#!/usr/bin/env bun
// The load generator: a process of its own (never inside the server), against 127.0.0.1 only.
// Usage: bun bench/load.ts <scenario> '<json options>'; the result is the last stdout line, as JSON.
import { agentBroadcast, healthSpread } from "./load/agent-broadcast.ts";
import { broadcast } from "./load/broadcast.ts";
import { capacity } from "./load/capacity.ts";
import { handshakes } from "./load/handshake.ts";
import { httpHealth } from "./load/http.ts";
import { rpcPipelined, rpcSequential } from "./load/rpc.ts";

/** Options the harness passes; every count and duration is bounded by the caller. */
export interface LoadOptions {
  port: number;
  token: string;
  count?: number;
  conns?: number;
  depth?: number;
  seconds?: number;
  rounds?: number;
  parallel?: number;
  maxMs?: number;
  holdMs?: number;
  /** rpc-pipe: the method asked (default `health`). */
  method?: string;
}

const [scenario, json] = process.argv.slice(2);
const o = JSON.parse(json ?? "{}") as LoadOptions;
const url = `ws://127.0.0.1:${o.port}`;
const scenarios: Record<string, () => Promise<unknown>> = {
  handshake: () => handshakes(url, o.token, o.count ?? 500, o.maxMs ?? 60_000),
  "handshake-device": () => handshakes(url, o.token, o.count ?? 500, o.maxMs ?? 60_000, true),
  "rpc-seq": () => rpcSequential(url, o.token, o.count ?? 2000, o.maxMs ?? 60_000),
  "rpc-pipe": () => rpcPipelined(url, o.token, o.conns ?? 32, o.depth ?? 16, o.seconds ?? 10, o.method),
  capacity: () => capacity(url, o.token, o.count ?? 10_000, o.parallel ?? 128, o.maxMs ?? 120_000, o.holdMs ?? 120_000),
  broadcast: () => broadcast(url, o.token, o.count ?? 1000, o.rounds ?? 10),
  http: () => httpHealth(o.port, o.conns ?? 64, o.seconds ?? 10),
  "agent-broadcast": () => agentBroadcast(url, o.token, o.count ?? 1000),
  "health-spread": () => healthSpread(url, o.token, o.count ?? 1000, o.rounds ?? 20),
};
const run = scenario ? scenarios[scenario] : undefined;
if (!run) {
  console.error(`usage: bun bench/load.ts <${Object.keys(scenarios).join("|")}> '<json options>'`);
  process.exit(2);
}
// A hard stop for the whole process, whatever a scenario does: no loop outlives this.
const hardStop = setTimeout(() => { console.error(`load ${scenario}: hard time limit`); process.exit(3); }, 300_000);
hardStop.unref();
try {
  console.log(JSON.stringify(await run()));
  process.exit(0);
} catch (error) {
  console.error(`load ${scenario}: ${(error as Error).message}`);
  process.exit(1);
}

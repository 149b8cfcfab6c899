// The measurements: each runs the ceiling and ours back to back, so both see the same machine moment.
import { runHeld, runLoad } from "./_load.ts";
import { cpuMs, startServer, timeCommand, treeRssKiB, type Binaries, type Kind, type Server } from "./_proc.ts";
import { latency, summary } from "./_stats.ts";

/** Counts and durations of one run; `--quick` shortens only the timed phases, never the counts of the issue. */
export interface Plan {
  coldStarts: number;
  cliRuns: number;
  handshakes: number;
  rpcSequential: number;
  pipeSeconds: number;
  broadcastListeners: number;
  broadcastRounds: number;
  httpSeconds: number;
  capacity: number;
  /** Throughput rows run this many alternating slices of pipeSeconds/httpSeconds each, per kind. */
  splits: number;
}

export const PLANS: Record<"full" | "quick", Plan> = {
  full: { coldStarts: 10, cliRuns: 20, handshakes: 500, rpcSequential: 2000, pipeSeconds: 10, broadcastListeners: 1000, broadcastRounds: 10, httpSeconds: 10, capacity: 10_000, splits: 2 },
  quick: { coldStarts: 10, cliRuns: 20, handshakes: 500, rpcSequential: 2000, pipeSeconds: 4, broadcastListeners: 1000, broadcastRounds: 5, httpSeconds: 4, capacity: 10_000, splits: 2 },
};

export type Pair<T> = Record<Kind, T>;
const KINDS: readonly Kind[] = ["ceiling", "ours"];
/** How long a server rests before its idle RSS is read (the loaded-idle row waits the same). */
export const IDLE_SETTLE_MS = 2000;

/** Runs `measure` for the ceiling, then for ours. */
async function pair<T>(measure: (kind: Kind) => Promise<T>): Promise<Pair<T>> {
  const out: Partial<Pair<T>> = {};
  for (const kind of KINDS) out[kind] = await measure(kind);
  return out as Pair<T>;
}

/** Cold start: spawn → first `/health` 200, alternating the two kinds. */
export async function coldStart(bins: Binaries, plan: Plan) {
  const samples: Pair<number[]> = { ceiling: [], ours: [] };
  for (let i = 0; i < plan.coldStarts; i++) {
    for (const kind of KINDS) {
      const server = await startServer(kind, bins);
      samples[kind].push(server.readyMs);
      await server.stop();
    }
  }
  return { ceiling: { ...summary(samples.ceiling), samples: samples.ceiling }, ours: { ...summary(samples.ours), samples: samples.ours } };
}

/**
 * Cold start as an outside harness measures it (issue 21): `gateway run --allow-unconfigured --port P --token T`
 * in a fresh HOME with no config file, `/health` polled every 2 ms; the ceiling alternates with it as above.
 */
export async function coldStartFlags(bins: Binaries, plan: Plan) {
  const samples: Pair<number[]> = { ceiling: [], ours: [] };
  for (let i = 0; i < plan.coldStarts; i++) {
    for (const kind of KINDS) {
      const server = await startServer(kind, bins, { flagsOnly: true, pollMs: 2 });
      samples[kind].push(server.readyMs);
      await server.stop();
    }
  }
  return { ceiling: { ...summary(samples.ceiling), samples: samples.ceiling }, ours: { ...summary(samples.ours), samples: samples.ours } };
}

/**
 * Server CPU per request of `health` against `system-presence` on our server (32 connections × 16 in flight), in
 * alternating slices: the cached health snapshot should cost no more than the cheapest read (target ≤ 1.2×).
 */
export async function healthVsPresence(ours: Server, plan: Plan) {
  const totals = { health: { cpuMs: 0, completed: 0 }, presence: { cpuMs: 0, completed: 0 } };
  for (let i = 0; i < plan.splits; i++) {
    for (const [key, method] of [["health", "health"], ["presence", "system-presence"]] as const) {
      const cpu = cpuMs(ours.pid);
      const r = await runLoad<Throughput>("rpc-pipe", { port: ours.port, token: ours.token, conns: 32, depth: 16, seconds: plan.pipeSeconds, method }, 60_000);
      totals[key].cpuMs += cpuMs(ours.pid) - cpu;
      totals[key].completed += r.completed;
    }
  }
  const per = (t: { cpuMs: number; completed: number }) => (t.cpuMs * 1000) / t.completed;
  return { healthUs: per(totals.health), presenceUs: per(totals.presence), ...totals };
}

/** `--version` wall time; needs no server. */
export async function cliVersion(bins: Binaries, plan: Plan) {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" };
  return pair(async (kind) => {
    const samples: number[] = [];
    for (let i = 0; i < plan.cliRuns; i++) samples.push(await timeCommand([bins[kind], "--version"], env));
    return summary(samples);
  });
}

/** `gateway health` against a running gateway (ceiling: the limit binary's one-shot client); `{missing}` when ours lacks the command. */
export async function cliHealth(bins: Binaries, plan: Plan, servers: Pair<Server>) {
  const argv = (kind: Kind) => {
    const { port, token } = servers[kind];
    const target = ["--url", `ws://127.0.0.1:${port}`, "--token", token];
    return kind === "ours" ? [bins.ours, "gateway", "health", ...target] : [bins.ceiling, "health", ...target];
  };
  try {
    await timeCommand(argv("ours"), servers.ours.env); // also the warm-up run
  } catch (error) {
    return { missing: (error as Error).message };
  }
  return pair(async (kind) => {
    const samples: number[] = [];
    for (let i = 0; i < plan.cliRuns; i++) samples.push(await timeCommand(argv(kind), servers[kind].env));
    return summary(samples);
  });
}

/** Starts both servers (with a raised fd limit) and reads each one's idle RSS 2 s after ready. */
export async function startPair(bins: Binaries): Promise<{ servers: Pair<Server>; idleKiB: Pair<number> }> {
  const servers = await pair((kind) => startServer(kind, bins, { manyFds: true }));
  await Bun.sleep(IDLE_SETTLE_MS);
  return { servers, idleKiB: { ceiling: treeRssKiB(servers.ceiling.pid), ours: treeRssKiB(servers.ours.pid) } };
}

/** One load scenario against each server, with the server's CPU time spent during it. */
export function load<T>(servers: Pair<Server>, scenario: string, options: Record<string, unknown>, timeoutMs: number): Promise<Pair<T & { serverCpuMs: number }>> {
  return pair(async (kind) => {
    const { pid, port, token } = servers[kind];
    const cpu = cpuMs(pid);
    const result = await runLoad<T>(scenario, { port, token, ...options }, timeoutMs);
    return { ...result, serverCpuMs: cpuMs(pid) - cpu };
  });
}

/**
 * Sequential handshakes in `splits` alternating slices (ceiling, ours, ceiling, ours…) with the samples pooled:
 * a p99 over 500 samples is the 5th-worst value, so a noisy second on this shared machine must hit both kinds alike.
 */
export async function handshakeSlices(servers: Pair<Server>, count: number, splits: number, scenario = "handshake") {
  const pooled: Pair<number[]> = { ceiling: [], ours: [] };
  const cpu: Pair<number> = { ceiling: 0, ours: 0 };
  for (let i = 0; i < splits; i++) {
    const r = await load<{ samples: number[] }>(servers, scenario, { count: Math.ceil(count / splits), maxMs: 60_000 }, 90_000);
    for (const kind of KINDS) {
      pooled[kind].push(...r[kind].samples);
      cpu[kind] += r[kind].serverCpuMs;
    }
  }
  const out = (kind: Kind) => ({ ...latency(pooled[kind]), serverCpuUsPer: (cpu[kind] * 1000) / pooled[kind].length });
  return { ceiling: out("ceiling"), ours: out("ours") };
}

export interface Throughput { rps: number; completed: number; seconds: number; p50: number; p99: number; max: number; serverCpuMs: number }

/**
 * A timed throughput scenario in `splits` slices alternating ceiling, ours, ceiling, ours…: two processes share
 * two cores with the load generator, so a single back-to-back pair drifts with whatever else runs. Totals are
 * summed; p50 is the mean of the slices' and p99 the worst slice's. Each slice lasts `seconds`.
 */
export async function throughput(servers: Pair<Server>, scenario: string, options: Record<string, unknown>, seconds: number, splits: number): Promise<Pair<Throughput & { cpuUsPerReq: number }>> {
  const slices: Pair<Throughput[]> = { ceiling: [], ours: [] };
  for (let i = 0; i < splits; i++) {
    const r = await load<Throughput>(servers, scenario, { ...options, seconds }, 60_000);
    for (const kind of KINDS) slices[kind].push(r[kind]);
  }
  const combine = (xs: Throughput[]) => {
    const completed = xs.reduce((a, x) => a + x.completed, 0);
    const secs = xs.reduce((a, x) => a + x.seconds, 0);
    const serverCpuMs = xs.reduce((a, x) => a + x.serverCpuMs, 0);
    return {
      rps: completed / secs, completed, seconds: secs, serverCpuMs, cpuUsPerReq: (serverCpuMs * 1000) / completed,
      p50: xs.reduce((a, x) => a + x.p50, 0) / xs.length, p99: Math.max(...xs.map((x) => x.p99)), max: Math.max(...xs.map((x) => x.max)),
    };
  };
  return { ceiling: combine(slices.ceiling), ours: combine(slices.ours) };
}

interface Held { held: number; failed: number; connectSeconds: number; errors: Record<string, number> }

/** Capacity on fresh servers: idle RSS, then `plan.capacity` connections held, RSS again 2 s after the last one. */
export async function capacity(bins: Binaries, plan: Plan) {
  return pair(async (kind) => {
    const server = await startServer(kind, bins, { manyFds: true });
    try {
      await Bun.sleep(IDLE_SETTLE_MS);
      const beforeKiB = treeRssKiB(server.pid);
      let heldKiB = 0;
      const { held, result } = await runHeld<Held, { stillOpen: number }>(
        { port: server.port, token: server.token, count: plan.capacity, parallel: 128, maxMs: 120_000, holdMs: 60_000 },
        200_000,
        async () => {
          await Bun.sleep(IDLE_SETTLE_MS);
          heldKiB = treeRssKiB(server.pid);
        },
      );
      const perConnKiB = held.held > 0 ? (heldKiB - beforeKiB) / held.held : Number.NaN;
      return { requested: plan.capacity, ...held, stillOpen: result.stillOpen, beforeKiB, heldKiB, perConnKiB };
    } finally {
      await server.stop();
    }
  });
}

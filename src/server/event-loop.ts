import { cpus } from "node:os";
import type { EventLoopStats } from "../methods/types.ts";

const SAMPLE_MS = 1000;
const WINDOW = 60;
// The reference's thresholds: a second of lag is degraded on its own; busy CPU counts only with some lag beside it.
const DELAY_WARN_MS = 1000;
const LOAD_DELAY_COEVIDENCE_MS = 25;
const UTILIZATION_WARN = 0.95;
const CPU_CORE_RATIO_WARN = 0.9;

type CpuTimes = { user: number; system: number };
type HostTimes = Array<{ user: number; nice: number; sys: number; idle: number; irq: number }>;

/** What the monitor reads from the process and host; injected so a test can drive a sample without waiting. */
export interface EventLoopProbes {
  now(): number;
  cpuUsage(): CpuTimes;
  /** The main thread's own CPU time, when the runtime can tell it apart from its helper threads. */
  threadCpuUsage(): CpuTimes | undefined;
  hostTimes(): HostTimes | undefined;
}

const liveProbes: EventLoopProbes = {
  now: () => performance.now(),
  cpuUsage: () => process.cpuUsage(),
  threadCpuUsage: () => {
    const read = (process as { threadCpuUsage?: () => CpuTimes }).threadCpuUsage;
    try {
      return typeof read === "function" ? read.call(process) : undefined;
    } catch {
      return undefined;
    }
  },
  hostTimes: () => {
    try {
      const times = cpus().map((c) => c.times);
      return times.length ? times : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Samples timer lag and CPU once a second; cheap enough to run for the gateway's whole life. */
export class EventLoopMonitor {
  #probes: EventLoopProbes;
  #delays: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #last: number;
  #lastCpu: CpuTimes;
  #lastThread: CpuTimes | undefined;
  #lastHost: HostTimes | undefined;
  #intervalMs = SAMPLE_MS;
  #cpuRatio = 0;
  #breakdown: NonNullable<EventLoopStats["cpuBreakdown"]> = {};
  #degradedSince: number | null = null;

  constructor(probes: EventLoopProbes = liveProbes) {
    this.#probes = probes;
    this.#last = probes.now();
    this.#lastCpu = probes.cpuUsage();
    this.#lastThread = probes.threadCpuUsage();
    this.#lastHost = probes.hostTimes();
    if (this.#lastHost) this.#breakdown = { hostCpuCount: this.#lastHost.length };
  }

  start(): void {
    if (this.#timer) return;
    this.#last = this.#probes.now();
    this.#timer = setInterval(() => this.sample(), SAMPLE_MS);
    // A monitor must never keep the process alive on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sample: lag since the last tick, then process, main-thread and host CPU over the measured interval. */
  sample(): void {
    const p = this.#probes;
    const now = p.now();
    const interval = Math.max(1, now - this.#last);
    this.#last = now;
    this.#intervalMs = round(interval);
    this.#delays.push(Math.max(0, interval - SAMPLE_MS));
    if (this.#delays.length > WINDOW) this.#delays.shift();
    const cpu = p.cpuUsage();
    this.#cpuRatio = ratio(delta(cpu, this.#lastCpu), interval);
    this.#lastCpu = cpu;
    const thread = p.threadCpuUsage();
    const threadDelta = delta(thread, this.#lastThread);
    this.#lastThread = thread;
    const host = p.hostTimes();
    const hostUtilization = hostUse(host, this.#lastHost);
    this.#lastHost = host;
    const main = threadDelta === undefined ? undefined : ratio(threadDelta, interval);
    // No worker threads run in this process, so the worker share is zero and the rest is the runtime's own threads.
    this.#breakdown = {
      ...(main !== undefined ? { mainThreadCoreRatio: main } : {}),
      ...(hostUtilization !== undefined ? { hostUtilization } : {}),
      ...(host ? { hostCpuCount: host.length } : {}),
      workerCoreRatio: 0,
      ...(main !== undefined ? { otherThreadsCoreRatio: round(Math.max(0, this.#cpuRatio - main)) } : {}),
    };
    const degraded = this.#reasons().length > 0;
    if (degraded && this.#degradedSince === null) this.#degradedSince = Date.now();
    if (!degraded) this.#degradedSince = null;
  }

  #window(): { p99: number; max: number } {
    const sorted = [...this.#delays].sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! : 0;
    // Tenths of a millisecond, as the reference reports delays.
    return { p99: Math.round(p99 * 10) / 10, max: Math.round((sorted.length ? sorted[sorted.length - 1]! : 0) * 10) / 10 };
  }

  #reasons(): string[] {
    const { p99, max } = this.#window();
    const reasons: string[] = [];
    if (p99 >= DELAY_WARN_MS || max >= DELAY_WARN_MS) reasons.push("event_loop_delay");
    if (p99 < LOAD_DELAY_COEVIDENCE_MS && max < LOAD_DELAY_COEVIDENCE_MS) return reasons;
    if (Math.min(1, this.#cpuRatio) >= UTILIZATION_WARN) reasons.push("event_loop_utilization");
    if (this.#cpuRatio >= CPU_CORE_RATIO_WARN) reasons.push("cpu");
    return reasons;
  }

  stats(): EventLoopStats {
    const { p99, max } = this.#window();
    const reasons = this.#reasons();
    return {
      degraded: reasons.length > 0,
      degradedSinceMs: this.#degradedSince === null ? null : Math.max(0, Date.now() - this.#degradedSince),
      reasons,
      intervalMs: this.#intervalMs,
      delayP99Ms: p99,
      delayMaxMs: max,
      // Bun has no event-loop utilisation counter; the main thread's CPU share is the closest measure.
      utilization: round(Math.min(1, this.#breakdown.mainThreadCoreRatio ?? this.#cpuRatio)),
      cpuCoreRatio: this.#cpuRatio,
      cpuBreakdown: { ...this.#breakdown },
    };
  }
}

function delta(current: CpuTimes | undefined, previous: CpuTimes | undefined): number | undefined {
  if (!current || !previous) return undefined;
  const d = current.user - previous.user + (current.system - previous.system);
  return Number.isFinite(d) && d >= 0 ? d : undefined;
}

/** CPU microseconds over a wall interval in milliseconds, as a share of one core. */
function ratio(micros: number | undefined, intervalMs: number): number {
  return micros === undefined ? 0 : round(micros / 1000 / intervalMs);
}

function hostUse(current: HostTimes | undefined, previous: HostTimes | undefined): number | undefined {
  if (!current || !previous || current.length !== previous.length) return undefined;
  let total = 0;
  let idle = 0;
  for (const [i, c] of current.entries()) {
    const b = previous[i]!;
    for (const key of ["user", "nice", "sys", "idle", "irq"] as const) {
      const d = c[key] - b[key];
      if (d < 0) return undefined;
      total += d;
      if (key === "idle") idle += d;
    }
  }
  return total > 0 ? round((total - idle) / total) : undefined;
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}

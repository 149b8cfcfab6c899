import type { EventLoopStats } from "../methods/types.ts";

const SAMPLE_MS = 1000;
const WINDOW = 60;
const DEGRADED_DELAY_MS = 500;

/** Samples timer lag once a second; cheap enough to run for the gateway's whole life. */
export class EventLoopMonitor {
  #delays: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #last = performance.now();
  #lastCpu = process.cpuUsage();
  #cpuRatio = 0;
  #degradedSince: number | null = null;

  start(): void {
    if (this.#timer) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
    // A monitor must never keep the process alive on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sample(): void {
    const now = performance.now();
    const delay = Math.max(0, now - this.#last - SAMPLE_MS);
    this.#last = now;
    this.#delays.push(delay);
    if (this.#delays.length > WINDOW) this.#delays.shift();
    const cpu = process.cpuUsage(this.#lastCpu);
    this.#lastCpu = process.cpuUsage();
    this.#cpuRatio = (cpu.user + cpu.system) / 1000 / SAMPLE_MS;
    const degraded = delay > DEGRADED_DELAY_MS;
    if (degraded && this.#degradedSince === null) this.#degradedSince = Date.now();
    if (!degraded) this.#degradedSince = null;
  }

  stats(): EventLoopStats {
    const sorted = [...this.#delays].sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! : 0;
    const max = sorted.length ? sorted[sorted.length - 1]! : 0;
    const degraded = this.#degradedSince !== null;
    return {
      degraded,
      degradedSinceMs: this.#degradedSince,
      reasons: degraded ? ["event-loop-delay"] : [],
      intervalMs: SAMPLE_MS,
      delayP99Ms: round(p99),
      delayMaxMs: round(max),
      utilization: round(Math.min(1, this.#cpuRatio)),
      cpuCoreRatio: round(this.#cpuRatio),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

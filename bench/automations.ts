#!/usr/bin/env bun
// Scheduler bench (issue 18): 10,000 stored jobs on the real clock and a real store. Reports the CPU the
// scheduler burns while nothing is due (one timer, re-armed at most once a minute), and due→start: how late
// a run starts after its due instant, for a batch of jobs all due at once (8 run at a time).
// Usage: bun bench/automations.ts [--idle-seconds 10]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realClock } from "../src/automations/clock.ts";
import { Scheduler } from "../src/automations/scheduler.ts";
import { CronStore, cronStorePath } from "../src/automations/store.ts";
import type { CronJob } from "../src/automations/types.ts";

const idleSeconds = Number(process.argv[process.argv.indexOf("--idle-seconds") + 1]) || 10;
const JOBS = 10_000;
const DUE_BATCH = 200;
const dir = mkdtempSync(join(tmpdir(), "bench-cron-"));
const store = CronStore.open(cronStorePath(dir));
const lateness: number[] = [];
let dueDone: () => void = () => {};
const scheduler = new Scheduler({
  clock: realClock,
  store: () => store,
  execute: async (_job, run) => {
    lateness.push(performance.timeOrigin + performance.now() - run.runAtMs);
    if (lateness.length === DUE_BATCH) dueDone();
    return { status: "ok" };
  },
  emit() {},
  log: { info() {}, warn() {} },
});
await scheduler.start();
const now = Date.now();
const job = (i: number, schedule: CronJob["schedule"]): CronJob => ({ id: `j${i}`, name: `j${i}`, enabled: true, createdAtMs: now, updatedAtMs: now, schedule, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "x" }, state: {} });
let t = performance.now();
for (let i = 0; i < JOBS; i++) await scheduler.put(job(i, { kind: "every", everyMs: 86_400_000, anchorMs: now + 3_600_000 + i * 1000 }));
const addMs = performance.now() - t;

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
const cpu = process.cpuUsage(cpu0);
const idleCpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;

const batch = new Promise<void>((resolve) => (dueDone = resolve));
const dueAt = Date.now() + 500;
for (let i = 0; i < DUE_BATCH; i++) await scheduler.put(job(JOBS + i, { kind: "at", at: String(dueAt) }));
await batch;
await scheduler.settled();
lateness.sort((a, b) => a - b);
const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))]!.toFixed(1);
console.log(`jobs: ${JOBS} stored (added in ${(addMs / 1000).toFixed(1)} s, ${(addMs / JOBS).toFixed(2)} ms each)`);
console.log(`idle: ${idleCpuPct.toFixed(3)} % of one core over ${idleSeconds} s, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
console.log(`due→start for ${DUE_BATCH} jobs due together: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`);
scheduler.stop();
store.close();
rmSync(dir, { recursive: true, force: true });

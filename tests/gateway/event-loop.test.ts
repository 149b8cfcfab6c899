// The event-loop health block of health/status/channels.status: the reference's reasons, measured interval and
// CPU breakdown, driven by injected probes so no sample waits for a timer.
import { expect, test } from "bun:test";
import { EventLoopMonitor, type EventLoopProbes } from "../../src/server/event-loop.ts";

function probes() {
  const state = { now: 0, cpu: 0, thread: 0, busy: 0, idle: 0 };
  const p: EventLoopProbes = {
    now: () => state.now,
    cpuUsage: () => ({ user: state.cpu, system: 0 }),
    threadCpuUsage: () => ({ user: state.thread, system: 0 }),
    hostTimes: () => [
      { user: state.busy, nice: 0, sys: 0, idle: state.idle, irq: 0 },
      { user: state.busy, nice: 0, sys: 0, idle: state.idle, irq: 0 },
    ],
  };
  return { state, p };
}

test("a quiet second: measured interval, no reasons, the breakdown in the reference's fields", () => {
  const { state, p } = probes();
  const monitor = new EventLoopMonitor(p);
  // 1,004 ms later; the process used 80 ms of CPU, 60 of them on the main thread; the host was a quarter busy.
  Object.assign(state, { now: 1004, cpu: 80_320, thread: 60_240, busy: 250, idle: 750 });
  monitor.sample();
  const stats = monitor.stats();
  expect(stats).toEqual({
    degraded: false,
    degradedSinceMs: null,
    reasons: [],
    intervalMs: 1004,
    delayP99Ms: 4,
    delayMaxMs: 4,
    utilization: 0.06,
    cpuCoreRatio: 0.08,
    cpuBreakdown: { mainThreadCoreRatio: 0.06, hostUtilization: 0.25, hostCpuCount: 2, workerCoreRatio: 0, otherThreadsCoreRatio: 0.02 },
  });
  expect(Object.keys(stats.cpuBreakdown!)).toEqual(["mainThreadCoreRatio", "hostUtilization", "hostCpuCount", "workerCoreRatio", "otherThreadsCoreRatio"]);
});

test("reasons use the reference's names: a 1.2 s stall is event_loop_delay; a busy core counts only with lag beside it", () => {
  const { state, p } = probes();
  const monitor = new EventLoopMonitor(p);
  Object.assign(state, { now: 2200, cpu: 2_200_000, thread: 2_100_000 });
  monitor.sample();
  expect(monitor.stats().reasons).toEqual(["event_loop_delay", "event_loop_utilization", "cpu"]);
  expect(monitor.stats().degraded).toBe(true);
  const quiet = probes();
  const busyNoLag = new EventLoopMonitor(quiet.p);
  Object.assign(quiet.state, { now: 1001, cpu: 1_000_000, thread: 990_000 });
  busyNoLag.sample();
  expect(busyNoLag.stats().reasons).toEqual([]);
});

test("without a per-thread counter the main-thread share and the residual are left out, never guessed", () => {
  const { state, p } = probes();
  const monitor = new EventLoopMonitor({ ...p, threadCpuUsage: () => undefined });
  Object.assign(state, { now: 1000, cpu: 50_000, busy: 10, idle: 90 });
  monitor.sample();
  expect(monitor.stats().cpuBreakdown).toEqual({ hostUtilization: 0.1, hostCpuCount: 2, workerCoreRatio: 0 });
});

// The scheduler's order structure (a heap by next run) against a plain scan of every job, over seeded random
// sequences of add, update, remove, wake, manual run, run end and clock steps on an injected clock.
import { describe, expect, test } from "bun:test";
import { before, DueQueue, type DueEntry } from "../../src/automations/due-queue.ts";
import { MAX_CONCURRENT_RUNS, Scheduler } from "../../src/automations/scheduler.ts";
import type { CronJob, CronSchedule, RunOutcome } from "../../src/automations/types.ts";
import { FakeClock } from "./_clock.ts";

/** A small seeded generator (mulberry32): a failing sequence replays exactly. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const byOrder = (a: DueEntry, b: DueEntry) => (before(a, b) ? -1 : before(b, a) ? 1 : 0);

describe("DueQueue", () => {
  test("pops in the same order as sorting a plain array, through random set/delete/pop", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const q = new DueQueue();
      const plain = new Map<string, DueEntry>();
      for (let step = 0; step < 3000; step++) {
        const op = r(10);
        const id = `j${r(200)}`;
        if (op < 5) {
          const seq = plain.get(id)?.seq ?? step;
          const at = r(50);
          q.set(id, at, seq);
          // The model holds the instant asked for, never one read back from the queue under test.
          plain.set(id, { id, at, seq });
        } else if (op < 8) expect(q.delete(id)).toBe(plain.delete(id));
        else {
          const top = q.pop();
          const want = [...plain.values()].sort(byOrder)[0];
          expect(top).toEqual(want);
          if (want) plain.delete(want.id);
        }
        expect(q.size).toBe(plain.size);
        expect(q.peek()).toEqual([...plain.values()].sort(byOrder)[0]);
      }
      expect(q.ordered()).toEqual([...plain.values()].sort(byOrder));
    }
  });
});

describe("scheduler order", () => {
  test("the heap agrees with a plain scan, and every scheduled start is the plain scan's earliest due job", async () => {
    for (const seed of [11, 12, 13]) {
      const r = rng(seed);
      const t0 = Date.parse("2026-06-01T00:00:00Z");
      const clock = new FakeClock(t0);
      const pending = new Map<string, (outcome: RunOutcome) => void>();
      /** Every job the test added, in the scheduler's insertion order (its Map order), system jobs included. */
      const jobs = new Map<string, CronJob>();
      const system = new Set<string>();
      let scheduler!: Scheduler;
      let starts = 0;
      const rank = (id: string) => [...jobs.keys()].indexOf(id);
      /** The plain scan the heap replaces: enabled idle jobs with a next run, earliest first, ties by insertion. */
      const scan = () =>
        [...jobs.values()]
          .filter((j) => j.enabled && j.state.nextRunAtMs !== undefined && !scheduler.isRunning(j.id))
          .map((j) => ({ id: j.id, at: j.state.nextRunAtMs!, seq: rank(j.id) }))
          .sort(byOrder);
      scheduler = new Scheduler({
        clock,
        store: () => undefined,
        execute: (job, run) => {
          if (!run.manual) {
            starts++;
            // Nothing idle and due may come before the job starting now (forced wakes are outside the heap).
            const head = scan().filter((e) => e.id !== job.id && e.at <= clock.now())[0];
            if (head && !system.has(job.id)) expect(before(head, { id: job.id, at: run.runAtMs, seq: rank(job.id) })).toBe(false);
          }
          return new Promise<RunOutcome>((resolve) => pending.set(job.id, resolve));
        },
        emit: () => {},
        log: { info() {}, warn() {} },
      });
      await scheduler.start();
      const schedule = (): CronSchedule =>
        r(4) === 0 ? { kind: "at", at: new Date(clock.now() + r(120_000)).toISOString() } : { kind: "every", everyMs: 1000 * (1 + r(90)), anchorMs: clock.now() + r(30_000) };
      for (let step = 0; step < 1500; step++) {
        const op = r(100);
        const id = `j${r(60)}`;
        if (op < 25) {
          const job: CronJob = { id, name: id, enabled: r(5) > 0, createdAtMs: clock.now(), updatedAtMs: clock.now(), schedule: schedule(), sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: id }, state: {} };
          const sys = r(10) === 0 && !jobs.has(id);
          if (jobs.has(id) && system.has(id)) continue;
          const stored = await scheduler.put(job, { system: sys });
          jobs.set(id, stored);
          if (sys) system.add(id);
        } else if (op < 35) {
          if (scheduler.remove(id)) {
            jobs.delete(id);
            system.delete(id);
          }
        } else if (op < 40) {
          if (jobs.has(id)) scheduler.due(id, clock.now() + r(5000));
        } else if (op < 45) {
          scheduler.runNow(id, r(2) ? "force" : "due");
        } else if (op < 75) {
          const ids = [...pending.keys()];
          const done = ids[r(ids.length)];
          if (done) {
            pending.get(done)!({ status: r(4) === 0 ? "error" : "ok", error: "x" });
            pending.delete(done);
          }
        } else await clock.advance(r(20_000));
        await clock.settle();
        expect(scheduler.queued()).toEqual(scan().map((e) => e.id));
        const wakes = [...jobs.values()].filter((j) => j.enabled && j.state.nextRunAtMs !== undefined).map((j) => j.state.nextRunAtMs!);
        expect(scheduler.nextWakeAtMs()).toBe(wakes.length ? Math.min(...wakes) : undefined);
        // A free slot never leaves a due job waiting once its timer has fired.
        if (scheduler.running < MAX_CONCURRENT_RUNS && op >= 75) expect(scan().filter((e) => e.at <= clock.now())).toEqual([]);
      }
      expect(starts).toBeGreaterThan(100);
      scheduler.stop();
    }
  });
});

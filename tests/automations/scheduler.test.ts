// The scheduler against a fake clock and a real store file: cron instants across DST, missed-run policy,
// errors that do not stop the schedule, interrupted runs, the concurrency limit, the store's file mode.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCronEngine, nextRunAt } from "../../src/automations/schedule.ts";
import { MISSED_AGENT_DELAY_MS, Scheduler, INTERRUPTED_ERROR, type CronEvent } from "../../src/automations/scheduler.ts";
import { CronStore, cronStorePath } from "../../src/automations/store.ts";
import type { CronJob, CronSchedule, RunOutcome } from "../../src/automations/types.ts";
import { FakeClock } from "./_clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function job(id: string, schedule: CronSchedule, createdAtMs: number, extra: Partial<CronJob> = {}): CronJob {
  return { id, name: id, enabled: true, createdAtMs, updatedAtMs: createdAtMs, schedule, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "systemEvent", text: id }, state: {}, ...extra };
}

function harness(startMs: number, execute: (job: CronJob) => Promise<RunOutcome> | RunOutcome = () => ({ status: "ok" }), dir?: string) {
  const stateDir = dir ?? mkdtempSync(join(tmpdir(), "cron-"));
  if (!dir) dirs.push(stateDir);
  const clock = new FakeClock(startMs);
  const store = CronStore.open(cronStorePath(stateDir));
  const fired: Array<{ id: string; at: number }> = [];
  const events: CronEvent[] = [];
  const scheduler = new Scheduler({
    clock,
    store: () => store,
    execute: async (j) => {
      fired.push({ id: j.id, at: clock.now() });
      return execute(j);
    },
    emit: (event) => events.push(event),
    log: { info() {}, warn() {} },
  });
  return { stateDir, clock, store, scheduler, fired, events };
}

describe("schedules", () => {
  test("*/5 in Europe/Berlin fires every five real minutes across both DST changes", async () => {
    await loadCronEngine();
    for (const start of ["2026-03-29T00:40:00Z", "2026-10-24T23:40:00Z"]) {
      const t0 = Date.parse(start);
      const h = harness(t0);
      await h.scheduler.start();
      await h.scheduler.put(job("berlin", { kind: "cron", expr: "*/5 * * * *", tz: "Europe/Berlin" }, t0));
      await h.clock.advance(3 * 3_600_000);
      const instants = h.fired.map((f) => f.at);
      expect(instants.length).toBe(36);
      expect(instants[0]).toBe(t0 + 5 * 60_000);
      // Every gap is exactly five minutes: no skipped hour in spring, no silent repeated hour in autumn.
      for (let i = 1; i < instants.length; i++) expect(instants[i]! - instants[i - 1]!).toBe(300_000);
      h.scheduler.stop();
      h.store.close();
    }
  });

  test("a fixed local time moves with the zone's offset", async () => {
    await loadCronEngine();
    const j = { id: "x", createdAtMs: 0 };
    const daily: CronSchedule = { kind: "cron", expr: "0 9 * * *", tz: "Europe/Berlin", staggerMs: 0 };
    expect(new Date(nextRunAt(daily, j, Date.parse("2026-03-28T12:00:00Z"))!).toISOString()).toBe("2026-03-29T07:00:00.000Z");
    expect(new Date(nextRunAt(daily, j, Date.parse("2026-03-27T12:00:00Z"))!).toISOString()).toBe("2026-03-28T08:00:00.000Z");
  });

  test("top-of-hour cron is staggered inside five minutes, stably per job; every counts from its anchor", async () => {
    await loadCronEngine();
    const hourly: CronSchedule = { kind: "cron", expr: "0 * * * *", tz: "UTC" };
    const base = Date.parse("2026-01-01T00:00:00Z");
    const a = nextRunAt(hourly, { id: "a", createdAtMs: 0 }, base)! - base;
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(300_000);
    expect(nextRunAt(hourly, { id: "a", createdAtMs: 0 }, base + a)! - (base + 3_600_000)).toBe(a);
    expect(nextRunAt({ kind: "every", everyMs: 600_000 }, { id: "e", createdAtMs: 1000 }, 1000)).toBe(601_000);
    expect(nextRunAt({ kind: "at", at: "2027-02-01T16:00:00" }, { id: "o", createdAtMs: 0 }, 0)).toBe(Date.parse("2027-02-01T16:00:00Z"));
  });
});

describe("runs", () => {
  test("a job that throws records the error, and its next run still happens", async () => {
    let calls = 0;
    const h = harness(1_000_000, () => {
      if (++calls === 1) throw new Error("boom");
      return { status: "ok" };
    });
    await h.scheduler.start();
    await h.scheduler.put(job("flaky", { kind: "every", everyMs: 60_000 }, 1_000_000));
    await h.clock.advance(60_000);
    expect(h.scheduler.get("flaky")!.state).toMatchObject({ lastRunStatus: "error", lastError: "boom", consecutiveErrors: 1 });
    await h.clock.advance(60_000);
    expect(calls).toBe(2);
    expect(h.scheduler.get("flaky")!.state).toMatchObject({ lastRunStatus: "ok", consecutiveErrors: 0 });
    const runs = h.store.runs({ jobId: "flaky", limit: 10, offset: 0, sortDir: "asc" });
    expect(runs.entries.map((e) => [e.status, e.error])).toEqual([["error", "boom"], ["ok", undefined]]);
    expect(runs.entries[0]!.durationMs).toBe(0);
    expect(h.events.filter((e) => e.action === "finished").map((e) => e.status)).toEqual(["error", "ok"]);
  });

  test("at most eight runs at once; the rest start as slots free up", async () => {
    const releases: Array<() => void> = [];
    const h = harness(0, () => new Promise<RunOutcome>((resolve) => releases.push(() => resolve({ status: "ok" }))));
    await h.scheduler.start();
    for (let i = 0; i < 10; i++) await h.scheduler.put(job(`j${i}`, { kind: "at", at: "1000" }, 0));
    await h.clock.advance(1000);
    expect(h.scheduler.running).toBe(8);
    releases.shift()!();
    releases.shift()!();
    await h.clock.settle();
    expect(h.fired.length).toBe(10);
  });

  test("the store file is owner-only", async () => {
    const h = harness(0);
    await h.scheduler.start();
    await h.scheduler.put(job("a", { kind: "every", everyMs: 1000 }, 0));
    for (const file of [h.store.path, `${h.store.path}-wal`, `${h.store.path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("restart", () => {
  test("missed jobs catch up once on start; agent work waits two minutes; skipMissedJobs advances instead", async () => {
    const h = harness(0);
    await h.scheduler.start();
    await h.scheduler.put(job("event", { kind: "every", everyMs: 3_600_000 }, 0));
    await h.scheduler.put(job("agent", { kind: "every", everyMs: 3_600_000 }, 0, { payload: { kind: "agentTurn", message: "hi" } }));
    h.scheduler.stop();
    h.store.close();

    // Five hours pass with the gateway stopped.
    const again = harness(5 * 3_600_000 + 60_000, undefined, h.stateDir);
    await again.scheduler.start();
    await again.clock.advance(0);
    expect(again.fired.map((f) => f.id)).toEqual(["event"]);
    await again.clock.advance(MISSED_AGENT_DELAY_MS);
    expect(again.fired.map((f) => f.id)).toEqual(["event", "agent"]);
    // Caught up once, not five times; then back on the hourly grid.
    expect(again.scheduler.get("event")!.state.nextRunAtMs).toBe(6 * 3_600_000);
    again.scheduler.stop();
    again.store.close();

    const skipDir = mkdtempSync(join(tmpdir(), "cron-"));
    dirs.push(skipDir);
    const s1 = harness(0, undefined, skipDir);
    await s1.scheduler.start();
    await s1.scheduler.put(job("event", { kind: "every", everyMs: 3_600_000 }, 0));
    s1.scheduler.stop();
    s1.store.close();
    const s2 = harness(5 * 3_600_000 + 60_000, undefined, skipDir);
    const skipping = new Scheduler({ clock: s2.clock, store: () => s2.store, execute: async () => ({ status: "ok" }), emit() {}, log: { info() {}, warn() {} }, skipMissedJobs: () => true });
    await skipping.start();
    expect(skipping.get("event")!.state.nextRunAtMs).toBe(6 * 3_600_000);
    skipping.stop();
    s2.store.close();
  });

  test("start writes back exactly the jobs whose next run it moved", async () => {
    const h = harness(0);
    await h.scheduler.start();
    await h.scheduler.put(job("agent", { kind: "every", everyMs: 3_600_000 }, 0, { payload: { kind: "agentTurn", message: "hi" } }));
    await h.scheduler.put(job("daily", { kind: "every", everyMs: 24 * 3_600_000 }, 0));
    h.scheduler.stop();
    h.store.close();

    const again = harness(2 * 3_600_000, undefined, h.stateDir);
    const written: string[] = [];
    const put = again.store.put.bind(again.store);
    again.store.put = (j: CronJob) => (written.push(j.id), put(j));
    await again.scheduler.start();
    // The missed agent job moved two minutes out; the daily job's next run stands, so its row is not rewritten.
    expect(written).toEqual(["agent"]);
    expect(again.store.jobs().find((j) => j.id === "agent")!.state.nextRunAtMs).toBe(2 * 3_600_000 + MISSED_AGENT_DELAY_MS);
    again.scheduler.stop();
    again.store.close();
  });

  test("a run left open by a dead process is closed as interrupted; the store is intact", async () => {
    const h = harness(0, () => new Promise<RunOutcome>(() => {}));
    await h.scheduler.start();
    await h.scheduler.put(job("long", { kind: "every", everyMs: 60_000 }, 0));
    await h.clock.advance(60_000);
    expect(h.scheduler.running).toBe(1);
    // No stop, no close: the process "dies" here.
    const after = harness(120_000, undefined, h.stateDir);
    await after.scheduler.start();
    const runs = after.store.runs({ jobId: "long", limit: 10, offset: 0, sortDir: "desc" });
    expect(runs.entries).toHaveLength(1);
    expect(runs.entries[0]).toMatchObject({ action: "finished", status: "error", error: INTERRUPTED_ERROR, runAtMs: 60_000 });
    expect(after.scheduler.get("long")!.state.lastError).toBe(INTERRUPTED_ERROR);
    expect(after.events.some((e) => e.action === "finished" && e.error === INTERRUPTED_ERROR)).toBe(true);
  });
});

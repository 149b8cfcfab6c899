// A heartbeat's cadence survives what does not change it: a config reload with the same heartbeat settings
// (any unrelated edit reloads) and an event wake keep the job's grid, its anchor and its last run.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutomationsRuntime } from "../../src/automations/runtime.ts";
import { SystemEventQueue } from "../../src/automations/system-events.ts";
import type { AgentsService } from "../../src/agents/methods.ts";
import type { ConfigSnapshot } from "../../src/config/load.ts";
import { FakeClock } from "./_clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("a reload with the same heartbeat settings keeps the cadence, a changed interval keeps its anchor, a wake keeps the job", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "cadence-"));
  dirs.push(stateDir);
  const snapshot = (every: string) => ({ config: { agents: { defaults: { heartbeat: { every, target: "none" } } } }, paths: { stateDir } }) as unknown as ConfigSnapshot;
  let current = snapshot("30m");
  const clock = new FakeClock(0);
  const rt = new AutomationsRuntime({ config: () => current, agents: {} as AgentsService, queue: new SystemEventQueue(), clock, emitCron() {}, emitHeartbeat() {}, log: { info() {}, warn() {} } });
  await rt.start();
  expect(rt.scheduler.nextWakeAtMs()).toBe(30 * 60_000);

  await clock.advance(20 * 60_000);
  current = snapshot("30m"); // an unrelated edit: a new snapshot, the same heartbeat
  await rt.syncHeartbeats(current);
  expect(rt.scheduler.nextWakeAtMs()).toBe(30 * 60_000);

  current = snapshot("1h");
  await rt.syncHeartbeats(current);
  expect(rt.scheduler.nextWakeAtMs()).toBe(60 * 60_000);

  // An event wake makes the same job due now; it neither rebuilds it nor moves its anchor.
  const job = rt.scheduler.systemJob("heartbeat:main")!;
  expect(await rt.requestHeartbeat("main", "test")).toBe(20 * 60_000);
  expect(rt.scheduler.systemJob("heartbeat:main")).toBe(job);
  expect(job).toMatchObject({ createdAtMs: 0, schedule: { anchorMs: 0 }, state: { nextRunAtMs: 20 * 60_000 } });
  await rt.stop();
});

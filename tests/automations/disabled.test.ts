// `cron.enabled: false` or OPENCLAW_SKIP_CRON=1 (as the reference reads them): cron.status says so, the
// scheduler starts no job and no heartbeat on its cadence, while an event-driven wake still runs its turn; with
// neither, status reports enabled and jobs run when due.
import { afterAll, expect, test } from "bun:test";
import { agentsConfig } from "../agents/_setup.ts";
import { startStandIn } from "../agents/stand-in.ts";
import { FakeClock } from "./_clock.ts";
import { startClockedGateway, stopClockedGateways } from "./_gateway.ts";

const model = startStandIn();

async function gateway(cron: Record<string, unknown> | undefined, clock: FakeClock, extraEnv: Record<string, string> = {}) {
  const base = agentsConfig(model, false) as any;
  const agents = { defaults: base.agents.defaults, entries: { main: { heartbeat: { every: "30m", prompt: "HEARTBEAT_OK", target: "none" } } } };
  const { rpc, op } = await startClockedGateway({ ...base, agents, ...(cron ? { cron } : {}) }, clock, extraEnv);
  return Object.assign(rpc, { op });
}

afterAll(async () => {
  await stopClockedGateways();
  model.stop();
});

const heartbeatTurns = () => model.requests.filter((r) => JSON.stringify(r.body.messages ?? []).includes("HEARTBEAT_OK")).length;

test("cron.enabled false: status reports it and a due job does not run", async () => {
  const clock = new FakeClock(Date.now());
  const rpc = await gateway({ enabled: false }, clock);
  expect(await rpc("cron.status")).toMatchObject({ enabled: false });
  const job = await rpc("cron.add", { name: "tick", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } });
  const before = heartbeatTurns();
  await clock.advance(31 * 60_000);
  expect((await rpc("cron.runs", { id: job.id })).total).toBe(0);
  expect((await rpc("cron.get", { id: job.id })).state.lastRunAtMs).toBeUndefined();
  expect((await rpc("status")).queuedSystemEvents).toEqual([]);
  // The heartbeat's cadence passed without a turn; a now-wake still gets one.
  expect(heartbeatTurns()).toBe(before);
  expect(await rpc("wake", { mode: "now", text: "disk full" })).toEqual({ ok: true });
  await clock.advance(0);
  const event = await rpc.op.next((f) => f.event === "heartbeat", 15_000);
  expect(event.payload).toMatchObject({ status: "ok-token", agentId: "main" });
  expect(JSON.stringify(model.requests.at(-1)!.body.messages)).toContain("disk full");
});

test("OPENCLAW_SKIP_CRON=1 pauses automations the same way", async () => {
  const clock = new FakeClock(Date.now());
  const rpc = await gateway(undefined, clock, { OPENCLAW_SKIP_CRON: "1" });
  expect(await rpc("cron.status")).toMatchObject({ enabled: false });
});

test("cron.enabled absent: status reports enabled and the job runs when due", async () => {
  const clock = new FakeClock(Date.now());
  const rpc = await gateway(undefined, clock);
  expect(await rpc("cron.status")).toMatchObject({ enabled: true });
  const job = await rpc("cron.add", { name: "tick", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } });
  await clock.advance(60_000);
  expect((await rpc("cron.runs", { id: job.id })).total).toBe(1);
});

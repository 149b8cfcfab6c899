// `cron.enabled: false` or OPENCLAW_SKIP_CRON=1 (as the reference reads them): cron.status says so, the
// scheduler starts no job and no heartbeat on its cadence, while an event-driven wake still runs its turn; with
// neither, status reports enabled and jobs run when due.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { composeFeatures } from "../../src/features.ts";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { startGateway, type GatewayHandle } from "../../src/server/gateway.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn } from "../agents/stand-in.ts";
import { freePort } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { FakeClock } from "./_clock.ts";

const dirs: string[] = [];
const open: Array<{ gw: GatewayHandle; op: TestSocket }> = [];
const model = startStandIn();

async function gateway(cron: Record<string, unknown> | undefined, clock: FakeClock, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-cron-off-"));
  dirs.push(dir);
  const token = "t-" + crypto.randomUUID();
  const base = agentsConfig(model, false) as any;
  const agents = { defaults: base.agents.defaults, entries: { main: { heartbeat: { every: "30m", prompt: "HEARTBEAT_OK", target: "none" } } } };
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ ...base, agents, gateway: { mode: "local", port: freePort(), auth: { token } }, ...(cron ? { cron } : {}) }));
  const env = { OPENCLAW_STATE_DIR: dir, ...STANDIN_ENV, ...extraEnv };
  const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
  const gw = await startGateway({ paths: resolveProfilePaths(undefined, { env }), env, version: "0.0.0-test", logger, features: composeFeatures({ clock }) });
  const op = await connectOperator(gw.urls[0]!, token);
  open.push({ gw, op });
  const rpc = async (method: string, params?: unknown) => {
    const res = await op.request(method, params);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.payload;
  };
  return Object.assign(rpc, { op });
}

afterAll(async () => {
  for (const { gw, op } of open) {
    op.close();
    await gw.stop();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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

// `cron.enabled: false` (as the reference reads it): cron.status says so and the scheduler starts no job when
// it falls due; with the key absent, status reports enabled.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { composeFeatures } from "../../src/features.ts";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { startGateway, type GatewayHandle } from "../../src/server/gateway.ts";
import { freePort } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { FakeClock } from "./_clock.ts";

const dirs: string[] = [];
const open: Array<{ gw: GatewayHandle; op: TestSocket }> = [];

async function gateway(cron: Record<string, unknown> | undefined, clock: FakeClock) {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-cron-off-"));
  dirs.push(dir);
  const token = "t-" + crypto.randomUUID();
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: freePort(), auth: { token } }, ...(cron ? { cron } : {}) }));
  const env = { OPENCLAW_STATE_DIR: dir };
  const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
  const gw = await startGateway({ paths: resolveProfilePaths(undefined, { env }), env, version: "0.0.0-test", logger, features: composeFeatures({ clock }) });
  const op = await connectOperator(gw.urls[0]!, token);
  open.push({ gw, op });
  const rpc = async (method: string, params?: unknown) => {
    const res = await op.request(method, params);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.payload;
  };
  return rpc;
}

afterAll(async () => {
  for (const { gw, op } of open) {
    op.close();
    await gw.stop();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("cron.enabled false: status reports it and a due job does not run", async () => {
  const clock = new FakeClock(Date.now());
  const rpc = await gateway({ enabled: false }, clock);
  expect(await rpc("cron.status")).toMatchObject({ enabled: false });
  const job = await rpc("cron.add", { name: "tick", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } });
  await clock.advance(5 * 60_000);
  expect((await rpc("cron.runs", { id: job.id })).total).toBe(0);
  expect((await rpc("cron.get", { id: job.id })).state.lastRunAtMs).toBeUndefined();
  expect((await rpc("status")).queuedSystemEvents).toEqual([]);
});

test("cron.enabled absent: status reports enabled and the job runs when due", async () => {
  const clock = new FakeClock(Date.now());
  const rpc = await gateway(undefined, clock);
  expect(await rpc("cron.status")).toMatchObject({ enabled: true });
  const job = await rpc("cron.add", { name: "tick", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } });
  await clock.advance(60_000);
  expect((await rpc("cron.runs", { id: job.id })).total).toBe(1);
});

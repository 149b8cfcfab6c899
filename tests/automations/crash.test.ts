// kill -9 of the gateway while an automation run is mid-stream: the job store opens sound afterwards, the
// job is still there, and the restarted gateway records the run as interrupted (a failed run, as the reference).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { INTERRUPTED_ERROR } from "../../src/automations/scheduler.ts";
import { connectOperator } from "../helpers/ws.ts";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "../agents/_gateway.ts";

let standIn: StandIn;
let first: SpawnedGateway;

beforeAll(async () => {
  ({ standIn, gw: first } = await startAgentsGateway());
});
afterAll(stopAgentsGateways);

test("kill -9 during a run: the store is intact and the run is marked interrupted on restart", async () => {
  const socket = await connectOperator(first.url, first.token);
  const added = await socket.request("cron.add", {
    name: "long report",
    schedule: { kind: "every", everyMs: 3_600_000, anchorMs: Date.now() + 3_600_000 },
    sessionTarget: "isolated",
    wakeMode: "now",
    payload: { kind: "agentTurn", message: "a long one", model: "stand/slow-cron" },
  });
  expect(added.ok).toBe(true);
  const id = added.payload.id;
  expect((await socket.request("cron.run", { id })).payload).toMatchObject({ ok: true, enqueued: true });
  await socket.next((f) => f.event === "cron" && f.payload?.jobId === id && f.payload.action === "started");
  // Mid-stream: the model has started answering.
  await socket.next((f) => f.event === "agent" && f.payload?.stream === "assistant" && String(f.payload.runId).startsWith(`cron:${id}:`));
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  socket.close();

  const path = join(first.stateDir, "cron", "jobs.sqlite");
  const db = new Database(path, { readonly: true });
  try {
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    expect(db.query("SELECT status FROM runs").all()).toEqual([{ status: "running" }]);
  } finally {
    db.close();
  }

  const second = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV, stateDir: first.stateDir });
  const again = await connectOperator(second.url, second.token);
  try {
    const job = await again.request("cron.get", { id });
    expect(job.payload).toMatchObject({ id, name: "long report", enabled: true, state: { lastRunStatus: "error", lastError: INTERRUPTED_ERROR } });
    const runs = await again.request("cron.runs", { id });
    expect(runs.payload.total).toBe(1);
    expect(runs.payload.entries[0]).toMatchObject({ jobId: id, action: "finished", status: "error", error: INTERRUPTED_ERROR });
  } finally {
    again.close();
  }
});

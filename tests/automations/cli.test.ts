// `openclaw cron …` and `openclaw system …` against a running gateway: add, list, edit, run, runs, remove,
// status with --json, a usage error for a bad flag set, and a system event that shows up in status.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cli } from "../helpers/cli.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";

let gw: SpawnedGateway;
const run = (...argv: string[]) => cli([...argv, "--url", gw.url, "--token", gw.token], { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir });

beforeAll(async () => {
  gw = await spawnGateway();
});
afterAll(stopAllGateways);

test("cron add / list / edit / run / runs / remove / status, with --json", async () => {
  const added = await run("cron", "add", "--name", "Stretch", "--every", "10m", "--system-event", "stand up", "--wake", "next-heartbeat", "--json");
  expect(added.stderr).toBe("");
  expect(added.code).toBe(0);
  const job = JSON.parse(added.stdout);
  expect(job).toMatchObject({ name: "Stretch", sessionTarget: "main", wakeMode: "next-heartbeat", schedule: { kind: "every", everyMs: 600_000 }, payload: { kind: "systemEvent", text: "stand up" } });

  const list = JSON.parse((await run("cron", "list", "--json")).stdout);
  expect(list).toMatchObject({ total: 1, jobs: [{ id: job.id, name: "Stretch" }] });
  expect((await run("cron", "list")).stdout).toContain("every 600s");

  const edited = JSON.parse((await run("cron", "edit", job.id, "--cron", "*/5 * * * *", "--tz", "Europe/Berlin", "--json")).stdout);
  expect(edited.schedule).toEqual({ kind: "cron", expr: "*/5 * * * *", tz: "Europe/Berlin" });

  const ran = JSON.parse((await run("cron", "run", job.id, "--json")).stdout);
  expect(ran).toMatchObject({ ok: true, enqueued: true });
  // The run is a queue write: wait for it through the history, not the clock.
  let runs: any;
  for (let i = 0; i < 50 && !(runs?.entries?.length > 0); i++) runs = JSON.parse((await run("cron", "runs", job.id, "--json")).stdout);
  expect(runs.entries[0]).toMatchObject({ jobId: job.id, status: "ok" });
  // The reference's compatibility spellings of the job id name the same history.
  for (const flag of ["--id", "--job-id"]) expect(JSON.parse((await run("cron", "runs", flag, job.id, "--json")).stdout).entries).toEqual(runs.entries);

  const status = JSON.parse((await run("cron", "status", "--json")).stdout);
  expect(status).toMatchObject({ enabled: true, storage: "sqlite", jobs: 1 });
  expect(JSON.parse((await run("cron", "remove", job.id, "--json")).stdout)).toEqual({ ok: true, removed: true });
  expect(JSON.parse((await run("automations", "list", "--json")).stdout).total).toBe(0);
});

test("usage errors name the problem and change nothing", async () => {
  const both = await run("cron", "add", "--name", "x", "--every", "1m", "--cron", "* * * * *", "--system-event", "x");
  expect(both.code).toBe(1);
  expect(both.stderr).toContain("Use only one of --at, --every and --cron");
  const badCron = await run("cron", "add", "--name", "x", "--cron", "61 * * * *", "--system-event", "x");
  expect(badCron.code).not.toBe(0);
  expect(badCron.stderr).toContain("invalid cron expression");
  expect(JSON.parse((await run("cron", "list", "--all", "--json")).stdout).total).toBe(0);
});

test("system event queues on the main session; heartbeat last/enable/disable print the RPC payload", async () => {
  const event = await run("system", "event", "--text", "deploy finished");
  expect(event).toMatchObject({ code: 0, stdout: "ok" });
  const status = JSON.parse((await run("gateway", "call", "status", "--json")).stdout);
  // "stand up" is the first test's manual run: still queued, since no turn has taken it.
  expect(status.queuedSystemEvents).toEqual(["stand up", "deploy finished"]);
  expect(JSON.parse((await run("system", "heartbeat", "disable")).stdout)).toEqual({ ok: true, enabled: false });
  expect(JSON.parse((await run("system", "heartbeat", "enable")).stdout)).toEqual({ ok: true, enabled: true });
  expect(JSON.parse((await run("system", "heartbeat", "last")).stdout)).toBeNull();
});

// The automations feature on a real gateway (in process, so its scheduler runs on a fake clock) with the
// stand-in model: hooks' now-wakes run a heartbeat turn at the next tick, status lists queued system events
// until a turn takes them, heartbeat acknowledgements stay silent, event wakes wait 30 s after the last turn,
// cron jobs run through the RPC with their runs recorded, and a delivery to an absent channel is a recorded error.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GatewayHandle } from "../../src/server/gateway.ts";
import { agentsConfig } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { FakeClock } from "./_clock.ts";
import { startClockedGateway, stopClockedGateways, type ClockedGateway } from "./_gateway.ts";

const HOOK_TOKEN = "hook-" + crypto.randomUUID();
const clock = new FakeClock(Date.now());
let gw: GatewayHandle;
let standIn: StandIn;
let op: TestSocket;
let rpc: ClockedGateway["rpc"];
let nextEvent: ClockedGateway["nextEvent"];
const queued = async () => (await rpc("status")).queuedSystemEvents as string[];

beforeAll(async () => {
  standIn = startStandIn();
  const base = agentsConfig(standIn, false) as any;
  const config = {
    ...base,
    hooks: { enabled: true, token: HOOK_TOKEN },
    agents: {
      defaults: base.agents.defaults,
      entries: {
        main: { heartbeat: { every: "30m", prompt: "HEARTBEAT_OK", target: "none" } },
        writer: { model: "claude/gamma", heartbeat: { every: "30m", prompt: "The disk is 91% full", target: "none" } },
      },
    },
  };
  ({ gw, op, rpc, nextEvent } = await startClockedGateway(config, clock));
});

afterAll(async () => {
  await stopClockedGateways();
  standIn?.stop();
});

describe("wakes and system events", () => {
  test("/hooks/wake {mode:now} runs a turn at the next scheduler tick; status lists the event until that turn takes it", async () => {
    const res = await fetch(`http://127.0.0.1:${gw.port}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ text: "backup finished", mode: "now" }) });
    expect(await res.json()).toEqual({ ok: true, mode: "now", eventOutcome: "queued" });
    expect(await queued()).toEqual(["backup finished"]);
    await clock.advance(0); // one tick, no time passing
    const seen = await standIn.waitFor((r) => JSON.stringify(r.body.messages ?? []).includes("backup finished"));
    expect(seen.body.messages[0].content).toContain("System: [");
    expect(seen.body.messages.at(-1).content).toBe("HEARTBEAT_OK");
    expect(await nextEvent("heartbeat", (p) => p.agentId === "main")).toMatchObject({ status: "ok-token", silent: true, indicatorType: "ok" });
    expect(await queued()).toEqual([]);
  });

  test("system-event queues on the main session; empty text is refused and changes nothing", async () => {
    expect(await rpc("system-event", { text: "node came online" })).toEqual({ ok: true });
    expect(await queued()).toEqual(["node came online"]);
    const bad = await op.request("system-event", { text: "  " });
    expect(bad.error).toMatchObject({ code: "INVALID_REQUEST", message: "text required" });
    expect(await queued()).toEqual(["node came online"]);
  });
});

describe("heartbeat", () => {
  test("on the cadence: an acknowledgement stays silent, a real message is recorded and announced", async () => {
    await clock.advance(30 * 60_000);
    const [main, writer] = await Promise.all([nextEvent("heartbeat", (p) => p.agentId === "main"), nextEvent("heartbeat", (p) => p.agentId === "writer")]);
    expect(main).toMatchObject({ status: "ok-token", silent: true });
    expect(main.preview).toBeUndefined();
    expect(writer).toMatchObject({ status: "skipped", reason: "target-none", silent: false, indicatorType: "alert", preview: "echo(gamma): The disk is 91% full" });
    // The main session's queued event went into this turn.
    expect(await queued()).toEqual([]);
    const history = await rpc("chat.history", { sessionKey: "agent:writer:main" });
    expect(history.messages.at(-1).content[0].text).toBe("echo(gamma): The disk is 91% full");
    expect(await rpc("last-heartbeat")).toMatchObject({ status: expect.any(String), ts: expect.any(Number) });
  });

  test("an event wake waits until 30 s after the last heartbeat turn started", async () => {
    expect(await rpc("wake", { mode: "now", text: "ping-30" })).toEqual({ ok: true });
    await clock.advance(29_000);
    expect(await queued()).toEqual(["ping-30"]);
    await clock.advance(1_000);
    expect(await queued()).toEqual([]);
    expect(await nextEvent("heartbeat", (p) => p.agentId === "main")).toMatchObject({ status: "ok-token" });
  });

  test("health reports each agent's heartbeat in the reference's shape", async () => {
    const health = await rpc("health");
    const main = health.agents.find((a: any) => a.agentId === "main");
    expect(main.heartbeat).toEqual({ enabled: true, every: "30m", everyMs: 1_800_000, prompt: "HEARTBEAT_OK", target: "none", ackMaxChars: 300 });
    expect(health.heartbeatSeconds).toBe(1800);
    expect((await rpc("set-heartbeats", { enabled: false })).enabled).toBe(false);
    expect((await rpc("status")).heartbeat.agents.every((a: any) => a.enabled === false)).toBe(true);
    await rpc("set-heartbeats", { enabled: true });
    expect((await op.request("set-heartbeats", { enabled: "yes" })).error?.message).toBe("invalid set-heartbeats params: enabled (boolean) required");
  });
});

describe("cron jobs", () => {
  test("a main-session job queues its system event on schedule and records the run", async () => {
    const job = await rpc("cron.add", { name: "stretch", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "stretch" } });
    expect(job).toMatchObject({ name: "stretch", enabled: true, nextRunAtMs: clock.now() + 60_000, state: { nextRunAtMs: clock.now() + 60_000 } });
    expect(await nextEvent("cron", (p) => p.jobId === job.id && p.action === "added")).toMatchObject({ job: { id: job.id } });
    const list = await rpc("cron.list");
    // snapshotRevision: the reference CLI refuses a paged list without it.
    expect(list).toMatchObject({ total: 1, offset: 0, hasMore: false, nextOffset: null, snapshotRevision: expect.any(String) });
    expect(list.jobs[0]).toMatchObject({ id: job.id, effectiveAgentId: "main" });
    await clock.advance(60_000);
    expect(await nextEvent("cron", (p) => p.jobId === job.id && p.action === "finished")).toMatchObject({ status: "ok" });
    expect(await queued()).toEqual(["stretch"]);
    const runs = await rpc("cron.runs", { id: job.id });
    expect(runs).toMatchObject({ total: 1, hasMore: false });
    expect(runs.entries[0]).toMatchObject({ jobId: job.id, action: "finished", status: "ok", durationMs: 0 });
    expect(await rpc("cron.remove", { id: job.id })).toEqual({ ok: true, removed: true });
  });

  test("an isolated job whose delivery names an absent channel records the error; the gateway carries on", async () => {
    const at = new Date(clock.now() + 1000).toISOString();
    const job = await rpc("cron.add", { name: "report", schedule: { kind: "at", at }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "write the report" }, delivery: { mode: "announce", channel: "telegram", to: "123" } });
    await clock.advance(1000);
    const finished = await nextEvent("cron", (p) => p.jobId === job.id && p.action === "finished");
    expect(finished).toMatchObject({ status: "error", deliveryStatus: "not-delivered" });
    expect(finished.error).toBe("delivery to telegram 123 failed: no channel is configured to reach the target (channels.*)");
    const runs = await rpc("cron.runs", { id: job.id });
    expect(runs.entries[0]).toMatchObject({ status: "error", summary: "echo(alpha): write the report", delivered: false });
    expect(runs.entries[0].sessionKey).toMatch(new RegExp(`^agent:main:cron:${job.id}:run:`));
    expect((await rpc("health")).ok).toBe(true);
  });

  test("bad input is a clear error and changes nothing", async () => {
    const before = (await rpc("cron.list", { includeDisabled: true })).total;
    const bad = await op.request("cron.add", { name: "x", schedule: { kind: "cron", expr: "not a cron" }, sessionTarget: "main", wakeMode: "now", payload: { kind: "systemEvent", text: "x" } });
    expect(bad.error?.code).toBe("INVALID_REQUEST");
    expect(bad.error?.message).toContain("invalid cron expression");
    const mismatch = await op.request("cron.add", { name: "x", schedule: { kind: "every", everyMs: 1000 }, sessionTarget: "main", wakeMode: "now", payload: { kind: "agentTurn", message: "x" } });
    expect(mismatch.error?.message).toContain('sessionTarget "main" takes a systemEvent payload');
    expect((await op.request("cron.get", { id: "nope" })).error?.message).toBe("unknown cron job id: nope");
    expect((await rpc("cron.list", { includeDisabled: true })).total).toBe(before);
  });
});

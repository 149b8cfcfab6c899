// Heartbeat visibility (`channels.defaults|<channel>|<channel>.accounts.<id>.heartbeatVisibility`, as the
// reference resolves it) on the automations runtime with a stub agent and a recording channel sender: showOk
// sends the acknowledgement, showAlerts:false keeps an alert in, useIndicator:false drops indicator types, and
// all three off skips the turn before any model call.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelDelivery, DeliveryTarget } from "../../src/agents/methods.ts";
import { heartbeatVisibility } from "../../src/automations/delivery.ts";
import { AutomationsRuntime, type HeartbeatEvent } from "../../src/automations/runtime.ts";
import { SystemEventQueue } from "../../src/automations/system-events.ts";
import type { ConfigSnapshot } from "../../src/config/load.ts";
import { FakeClock } from "./_clock.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** One heartbeat turn answering `reply` under `visibility`; what was sent, the event, and whether the model was asked. */
async function heartbeatWith(reply: string, visibility: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-vis-"));
  dirs.push(dir);
  const config = { channels: { telegram: { botToken: "x", heartbeatVisibility: visibility } }, agents: { entries: { main: { heartbeat: { every: "30m", target: "telegram", to: "111" } } } } };
  const snapshot = { config, paths: { stateDir: dir } } as unknown as ConfigSnapshot;
  const sent: Array<[DeliveryTarget, string]> = [];
  let asked = 0;
  const delivery = {
    deliver: async (target: DeliveryTarget, text: string) => (sent.push([target, text]), { requested: true, attempted: true, status: "sent", succeeded: true, resultCount: 1 }),
    lastRoute: async () => undefined,
    ownerRoute: () => undefined,
  } as unknown as ChannelDelivery;
  const agents = { runs: { start: () => (asked++, { run: { done: Promise.resolve({ status: "ok", text: reply, usage: { input: 0, output: 0, total: 0 } }) } }) } } as any;
  const events: HeartbeatEvent[] = [];
  const clock = new FakeClock(Date.parse("2026-06-01T12:00:00Z"));
  const rt = new AutomationsRuntime({ config: () => snapshot, agents, delivery: () => delivery, queue: new SystemEventQueue(), clock, emitCron() {}, emitHeartbeat: (e) => events.push(e), log: { info() {}, warn() {} } });
  await rt.start();
  await clock.advance(30 * 60_000);
  await rt.stop();
  return { sent, event: events[0]!, asked };
}

test("visibility resolves per account over per channel over channels.defaults over the built-in defaults", () => {
  expect(heartbeatVisibility({})).toEqual({ showOk: false, showAlerts: true, useIndicator: true });
  const config = { channels: { defaults: { heartbeatVisibility: { showOk: true, useIndicator: false } }, telegram: { heartbeatVisibility: { showOk: false }, accounts: { work: { heartbeatVisibility: { showAlerts: false } } } } } };
  expect(heartbeatVisibility(config)).toEqual({ showOk: true, showAlerts: true, useIndicator: false });
  expect(heartbeatVisibility(config, "telegram")).toEqual({ showOk: false, showAlerts: true, useIndicator: false });
  expect(heartbeatVisibility(config, "telegram", "work")).toEqual({ showOk: false, showAlerts: false, useIndicator: false });
});

test("built-in defaults: the ack is silent, the alert is sent with indicator types", async () => {
  const ack = await heartbeatWith("HEARTBEAT_OK", {});
  expect(ack.sent).toEqual([]);
  expect(ack.event).toMatchObject({ status: "ok-token", silent: true, indicatorType: "ok" });
  const alert = await heartbeatWith("The disk is full", {});
  expect(alert.sent).toEqual([[expect.objectContaining({ channel: "telegram", to: "111" }), "The disk is full"]]);
  expect(alert.event).toMatchObject({ status: "sent", indicatorType: "alert" });
});

test("showOk sends the acknowledgement; showAlerts false keeps the alert in; useIndicator false drops the type", async () => {
  const ok = await heartbeatWith("HEARTBEAT_OK", { showOk: true });
  expect(ok.sent.map(([, text]) => text)).toEqual(["HEARTBEAT_OK"]);
  expect(ok.event).toMatchObject({ status: "ok-token", silent: false });
  const quiet = await heartbeatWith("The disk is full", { showAlerts: false });
  expect(quiet.sent).toEqual([]);
  expect(quiet.event).toMatchObject({ status: "skipped", reason: "alerts-disabled", preview: "The disk is full" });
  const plain = await heartbeatWith("The disk is full", { useIndicator: false });
  expect(plain.event.status).toBe("sent");
  expect(plain.event.indicatorType).toBeUndefined();
});

test("all three off: the turn is skipped before the model is asked", async () => {
  const off = await heartbeatWith("The disk is full", { showOk: false, showAlerts: false, useIndicator: false });
  expect(off).toMatchObject({ sent: [], asked: 0, event: { status: "skipped", reason: "alerts-disabled" } });
});

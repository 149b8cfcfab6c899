// Heartbeat rules without a gateway: which replies are silent acknowledgements, active hours in a zone,
// the event-wake limits (30 s apart; after five starts in a minute, wait for the oldest to age out), config merging.
import { expect, test } from "bun:test";
import { classifyReply, heartbeatPlans, WakeLimiter, withinActiveHours, type HeartbeatPlan } from "../../src/automations/heartbeat.ts";
import type { ConfigSnapshot } from "../../src/config/load.ts";

test("HEARTBEAT_OK at the start or end with at most ackMaxChars left, NO_REPLY or nothing: silent", () => {
  expect(classifyReply("HEARTBEAT_OK", 300)).toEqual({ silent: true, status: "ok-token" });
  expect(classifyReply("  NO_REPLY ", 300)).toEqual({ silent: true, status: "ok-token" });
  expect(classifyReply("", 300)).toEqual({ silent: true, status: "ok-empty" });
  expect(classifyReply("All quiet. HEARTBEAT_OK", 300)).toMatchObject({ silent: true });
  expect(classifyReply(`HEARTBEAT_OK ${"x".repeat(301)}`, 300)).toMatchObject({ silent: false });
  expect(classifyReply("Disk at 91%, HEARTBEAT_OK otherwise", 300)).toEqual({ silent: false, text: "Disk at 91%, HEARTBEAT_OK otherwise" });
});

test("event wakes: 30 s after the last start; a sixth within a minute waits for the oldest to be a minute old", () => {
  const limiter = new WakeLimiter();
  expect(limiter.earliest("main", 0)).toBe(0);
  limiter.started("main", 0);
  expect(limiter.earliest("main", 10_000)).toBe(30_000);
  expect(limiter.earliest("other", 10_000)).toBe(10_000);
  const flood = new WakeLimiter();
  for (const t of [0, 1, 2, 3, 4]) flood.started("main", t);
  // The 30 s rule alone would say 30_004; five starts inside the minute push it to the oldest + 60 s.
  expect(flood.earliest("main", 5)).toBe(60_000);
});

test("active hours are read in their zone, and may span midnight", () => {
  const plan = (start: string, end: string): HeartbeatPlan => ({ agentId: "main", enabled: true, every: "30m", everyMs: 1_800_000, prompt: "p", target: "none", ackMaxChars: 300, activeHours: { start, end, timezone: "Europe/Berlin" } });
  const at = (iso: string) => Date.parse(iso);
  expect(withinActiveHours(plan("08:00", "22:00"), at("2026-07-01T06:30:00Z"))).toBe(true); // 08:30 CEST
  expect(withinActiveHours(plan("08:00", "22:00"), at("2026-07-01T05:30:00Z"))).toBe(false); // 07:30 CEST
  expect(withinActiveHours(plan("22:00", "06:00"), at("2026-01-01T23:30:00Z"))).toBe(true); // 00:30 CET
});

test("with any per-agent block only those agents run, merged over the defaults", () => {
  const snapshot = (config: unknown) => ({ config, paths: { stateDir: "/x" } }) as unknown as ConfigSnapshot;
  expect(heartbeatPlans(snapshot({})).plans).toEqual([expect.objectContaining({ agentId: "main", enabled: false, every: "disabled", everyMs: null })]);
  const { plans } = heartbeatPlans(snapshot({ agents: { defaults: { heartbeat: { every: "1h", target: "none" } }, entries: { ops: { heartbeat: { every: "15m" } } } } }));
  expect(plans.find((p) => p.agentId === "main")).toMatchObject({ enabled: false });
  expect(plans.find((p) => p.agentId === "ops")).toMatchObject({ enabled: true, every: "15m", everyMs: 900_000, target: "none", ackMaxChars: 300 });
  expect(heartbeatPlans(snapshot({ agents: { defaults: { heartbeat: { every: "0m" } } } })).plans[0]).toMatchObject({ enabled: false, everyMs: null });
});

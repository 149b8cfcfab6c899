// Heartbeat: what `agents.defaults.heartbeat` and `agents.entries.<id>.heartbeat` ask for, how a reply is
// classified (a HEARTBEAT_OK / NO_REPLY acknowledgement stays silent), and the event-wake rate limits
// (30 s between event turns, and after five starts within 60 s a wait until the oldest is a minute old).
import type { ConfigSnapshot } from "../config/load.ts";
import type { HeartbeatSummary } from "../methods/types.ts";
import { parseDuration, zoneOffsetMinutes } from "./schedule.ts";

export const DEFAULT_HEARTBEAT_PROMPT =
  "Follow the heartbeat monitor scratch context when provided. Recurring tasks are automations; create or change their schedules with the automations tool, not heartbeat scratch. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply NO_REPLY.";
export const DEFAULT_ACK_MAX_CHARS = 300;
export const DEFAULT_EVERY = "30m";
export const EVENT_MIN_INTERVAL_MS = 30_000;
export const FLOOD_MAX_STARTS = 5;
export const FLOOD_WINDOW_MS = 60_000;

export interface HeartbeatPlan extends HeartbeatSummary {
  activeHours?: { start: string; end: string; timezone?: string };
  timeoutSeconds?: number;
  /** Recipient on an explicit channel target (`<chatId>:topic:<thread>` names a forum topic). */
  to?: string;
  accountId?: string;
  /** `block` suppresses delivery to a person's DM (the turn still runs). */
  directPolicy?: "allow" | "block";
}

type Block = Record<string, unknown>;

function block(value: unknown): Block | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Block) : undefined;
}

/**
 * One plan per known agent. With no heartbeat block anywhere, no agent runs one (a bare gateway makes no model
 * calls on its own); when any entry has a block, only those agents run, merged over the defaults' block.
 */
export function heartbeatPlans(snapshot: ConfigSnapshot): { defaultAgentId: string; plans: HeartbeatPlan[] } {
  const agents = block((snapshot.config as Block).agents) ?? {};
  const defaults = block(block(agents.defaults)?.heartbeat);
  const entries = block(agents.entries) ?? {};
  const ids = ["main", ...Object.keys(entries).map((id) => id.toLowerCase()).filter((id) => id !== "main")];
  const anyEntryBlock = Object.values(entries).some((entry) => block(block(entry)?.heartbeat));
  const plans = ids.map((agentId): HeartbeatPlan => {
    const own = block(block(entries[agentId])?.heartbeat);
    const configured = anyEntryBlock ? own !== undefined : defaults !== undefined;
    const merged: Block = { ...(defaults ?? {}), ...(own ?? {}) };
    const every = typeof merged.every === "string" ? merged.every : DEFAULT_EVERY;
    const everyMs = parseDuration(every);
    const enabled = configured && everyMs !== undefined && everyMs > 0;
    const plan: HeartbeatPlan = {
      agentId,
      enabled,
      every: enabled ? every : "disabled",
      everyMs: enabled ? everyMs! : null,
      prompt: typeof merged.prompt === "string" && merged.prompt.trim() ? merged.prompt : DEFAULT_HEARTBEAT_PROMPT,
      target: typeof merged.target === "string" ? merged.target : "owner",
      ackMaxChars: typeof merged.ackMaxChars === "number" && merged.ackMaxChars >= 0 ? merged.ackMaxChars : DEFAULT_ACK_MAX_CHARS,
    };
    if (typeof merged.model === "string") plan.model = merged.model;
    if (typeof merged.session === "string") plan.session = merged.session;
    if (typeof merged.timeoutSeconds === "number") plan.timeoutSeconds = merged.timeoutSeconds;
    if (typeof merged.to === "string" || typeof merged.to === "number") plan.to = String(merged.to);
    if (typeof merged.accountId === "string") plan.accountId = merged.accountId;
    if (merged.directPolicy === "block") plan.directPolicy = "block";
    const hours = block(merged.activeHours);
    if (hours && typeof hours.start === "string" && typeof hours.end === "string") {
      plan.activeHours = { start: hours.start, end: hours.end, timezone: typeof hours.timezone === "string" ? hours.timezone : undefined };
    }
    return plan;
  });
  return { defaultAgentId: "main", plans };
}

/** The public summary (no active hours or timeout): the shape `health` reports per agent. */
export function summaryOf(plan: HeartbeatPlan): HeartbeatSummary {
  const { activeHours: _hours, timeoutSeconds: _timeout, to: _to, accountId: _account, directPolicy: _direct, ...summary } = plan;
  return summary;
}

function minutesOf(hhmm: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** True when `atMs` falls inside the plan's active hours (always, without any); `end` may pass midnight. */
export function withinActiveHours(plan: HeartbeatPlan, atMs: number): boolean {
  if (!plan.activeHours) return true;
  const start = minutesOf(plan.activeHours.start);
  const end = minutesOf(plan.activeHours.end);
  if (start === undefined || end === undefined) return true;
  const zone = plan.activeHours.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const local = new Date(atMs + zoneOffsetMinutes(zone, atMs) * 60_000);
  const now = local.getUTCHours() * 60 + local.getUTCMinutes();
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

// The classifier lives with the agents (chat events and history hide what it marks); heartbeats decide with it.
export { classifyReply, type AckClass } from "../agents/heartbeat-ack.ts";

/** Per-agent start times of heartbeat turns; answers when an event wake may start. */
export class WakeLimiter {
  #starts = new Map<string, number[]>();

  earliest(agentId: string, now: number): number {
    const starts = this.#starts.get(agentId) ?? [];
    let at = now;
    const last = starts.at(-1);
    if (last !== undefined) at = Math.max(at, last + EVENT_MIN_INTERVAL_MS);
    const recent = starts.filter((t) => t > now - FLOOD_WINDOW_MS);
    if (recent.length >= FLOOD_MAX_STARTS) at = Math.max(at, recent[recent.length - FLOOD_MAX_STARTS]! + FLOOD_WINDOW_MS);
    return at;
  }

  started(agentId: string, at: number): void {
    const starts = this.#starts.get(agentId) ?? [];
    starts.push(at);
    while (starts.length > FLOOD_MAX_STARTS * 2) starts.shift();
    this.#starts.set(agentId, starts);
  }
}

// Where automation output goes: the route a heartbeat's `target`/`to` names (owner DM, the last conversation,
// an explicit channel and recipient) and a cron job's announce target, sent through the channels feature the
// composition hands in. Nothing here throws: a missing route or a failed send is an outcome the run records.
import type { ChannelDelivery, DeliveryTarget, RoutedTarget } from "../agents/methods.ts";
import type { HeartbeatPlan } from "./heartbeat.ts";
import type { CronDelivery, RunOutcome } from "./types.ts";

/** `<chatId>:topic:<thread>` (the reference's way to name a forum topic in `to`) split into chat and thread. */
function topicOf(to: string): { to: string; threadId?: string } {
  const match = /^(.+):topic:(\d+)$/.exec(to.trim());
  return match ? { to: match[1]!, threadId: match[2]! } : { to: to.trim() };
}

/**
 * Where an announcement goes (a cron job's, a hook run's): `to` as given, else the agent's last conversation
 * on `channel` when one is named; undefined when there is none.
 */
export async function announceTarget(delivery: ChannelDelivery, agentId: string, channel: string | undefined, to: string | undefined, accountId?: string, threadId?: string): Promise<DeliveryTarget | undefined> {
  if (to !== undefined) {
    const topic = topicOf(to);
    return { channel, to: topic.to, threadId: threadId ?? topic.threadId, accountId };
  }
  const last = await delivery.lastRoute(agentId, `agent:${agentId}:main`);
  return last && (!channel || last.channel === channel) ? last : undefined;
}

/** Telegram groups and supergroups have negative ids; anything else a target names is a person's chat. */
const chatTypeOf = (to: string): "direct" | "group" => (to.trim().startsWith("-") ? "group" : "direct");

export type HeartbeatRoute = { target: RoutedTarget } | { skip: "target-none" | "no-route" | "dm-blocked" };

/** The chat a heartbeat alert goes to, decided before the turn runs (a poll with nowhere to go is skipped). */
export async function heartbeatRoute(plan: HeartbeatPlan, sessionKey: string, delivery: ChannelDelivery | undefined): Promise<HeartbeatRoute> {
  const target = plan.target.trim().toLowerCase();
  if (target === "none") return { skip: "target-none" };
  if (!delivery) return { skip: "no-route" };
  let route: RoutedTarget | undefined;
  if (target === "last") {
    const last = await delivery.lastRoute(plan.agentId, sessionKey);
    route = last && (!plan.accountId || last.accountId === undefined || last.accountId === plan.accountId) ? { ...last, accountId: plan.accountId ?? last.accountId } : undefined;
  } else if (target === "owner" || target === "") {
    route = delivery.ownerRoute();
  } else if (plan.to) {
    const { to, threadId } = topicOf(plan.to);
    route = { channel: target, to, threadId, accountId: plan.accountId, chatType: chatTypeOf(to) };
  } else {
    const last = await delivery.lastRoute(plan.agentId, sessionKey);
    route = last?.channel === target ? last : delivery.ownerRoute(target);
  }
  if (!route) return { skip: "no-route" };
  if (plan.directPolicy === "block" && route.chatType === "direct") return { skip: "dm-blocked" };
  return { target: route };
}

/** Sends a heartbeat alert; the error text when it did not go out. */
export async function sendAlert(delivery: ChannelDelivery, target: RoutedTarget, text: string): Promise<string | undefined> {
  const status = await delivery.deliver(target, text);
  return status.succeeded ? undefined : (status.error ?? status.status);
}

/**
 * A finished cron run's announcement: to `channel`+`to`, or to the agent's last conversation (`channel:"last"`
 * or none). A failed or impossible delivery fails the run unless the job asked for best effort.
 */
export async function announce(spec: CronDelivery | undefined, outcome: RunOutcome, text: string, agentId: string, delivery: ChannelDelivery | undefined): Promise<RunOutcome> {
  if (!spec || spec.mode === "none") return { ...outcome, deliveryStatus: "not-requested" };
  const explicit = spec.mode === "webhook" || (spec.channel !== undefined && spec.channel !== "last") || spec.to !== undefined;
  const fail = (error: string): RunOutcome => {
    const failed = explicit && !spec.bestEffort;
    return { ...outcome, status: failed ? "error" : outcome.status, error: failed ? error : outcome.error, delivered: false, deliveryStatus: "not-delivered", deliveryError: error };
  };
  if (spec.mode === "webhook") return fail("webhook delivery is not available on this gateway");
  if (!text.trim()) return { ...outcome, delivered: false, deliveryStatus: "not-delivered", deliveryError: "nothing to deliver (empty reply)" };
  if (!delivery) return fail(spec.channel && spec.channel !== "last" ? `delivery channel "${spec.channel}" is not available on this gateway` : "no delivery route: no channel is connected to this gateway");
  const channel = spec.channel && spec.channel !== "last" ? spec.channel : undefined;
  const target = await announceTarget(delivery, agentId, channel, spec.to === undefined ? undefined : String(spec.to), spec.accountId, spec.threadId === undefined ? undefined : String(spec.threadId));
  if (!target) return fail(channel ? `no delivery route on channel "${channel}": give delivery.to` : "no delivery route: no conversation to announce to (give delivery.channel and delivery.to)");
  const status = await delivery.deliver(target, text);
  if (!status.succeeded) return fail(`delivery to ${target.channel ?? "chat"} ${target.to} failed: ${status.error ?? status.status}`);
  return { ...outcome, delivered: true, deliveryStatus: "delivered" };
}

/** `heartbeatVisibility`: send OK acks, send alerts, emit indicator types (the reference's defaults: no, yes, yes). */
export interface HeartbeatVisibility {
  showOk: boolean;
  showAlerts: boolean;
  useIndicator: boolean;
}

/** Per-account → per-channel → `channels.defaults` → built-in, as the reference resolves it. */
export function heartbeatVisibility(config: Record<string, any>, channel?: string, accountId?: string): HeartbeatVisibility {
  const layers = [config.channels?.defaults?.heartbeatVisibility, channel ? config.channels?.[channel]?.heartbeatVisibility : undefined, channel && accountId ? config.channels?.[channel]?.accounts?.[accountId]?.heartbeatVisibility : undefined];
  const out: HeartbeatVisibility = { showOk: false, showAlerts: true, useIndicator: true };
  for (const layer of layers) {
    if (!layer || typeof layer !== "object") continue;
    for (const key of ["showOk", "showAlerts", "useIndicator"] as const) if (typeof layer[key] === "boolean") out[key] = layer[key];
  }
  return out;
}

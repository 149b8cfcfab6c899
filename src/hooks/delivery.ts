// Where a hook run's final reply goes (reference config-hooks "Hook agent payload" and mappings): a direct
// `/agent` names a concrete `channel` with `to` (and maybe `accountId`), a mapping may say `"last"`; `deliver:
// false` opts out. Destinations are checked before a run is admitted; the reply is sent through the channel
// delivery the agents service carries (src/features.ts), and the outcome becomes the `completion` facts.
import type { ChannelDelivery } from "../agents/methods.ts";
import type { RunResult } from "../agents/run.ts";
import { classifyReply, DISPLAY_ACK_MAX_CHARS } from "../agents/heartbeat-ack.ts";
import { announceTarget } from "../automations/delivery.ts";

/** No announcement; or the reply to a chat: `channel` "last" is the agent's last conversation (on any channel). */
export type HookDestination = { deliver: false } | { deliver: true; channel: string; to?: string; accountId?: string };

type Parsed = { ok: true; value: HookDestination } | { ok: false; error: string };
const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);

/** `channel` as a hook names it: omitted means "last"; anything but "last" or a channel of this build is refused. */
function hookChannel(raw: unknown, channelIds: string[]): { ok: true; channel: string } | { ok: false; error: string } {
  if (raw === undefined) return { ok: true, channel: "last" };
  const channel = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (channel === "last" || channelIds.includes(channel)) return { ok: true, channel };
  return { ok: false, error: `channel must be ${["last", ...channelIds].join("|")}` };
}

/** A direct `/agent` destination: all of `channel` and `to` or none of them, never "last" (the reference's texts). */
export function directDestination(payload: Record<string, unknown>, channelIds: string[]): Parsed {
  if (payload.deliver === false) return { ok: true, value: { deliver: false } };
  const channel = hookChannel(payload.channel, channelIds);
  if (!channel.ok) return channel;
  const hasChannel = payload.channel !== undefined;
  const hasTo = payload.to !== undefined;
  const hasAccount = payload.accountId !== undefined;
  const to = text(payload.to);
  const accountId = text(payload.accountId);
  if (!hasChannel && !hasTo && !hasAccount) return { ok: true, value: { deliver: true, channel: "last" } };
  if (hasTo && !to) return { ok: false, error: "to must be a non-empty string for hook delivery" };
  if (hasAccount && !accountId) return { ok: false, error: "accountId must be a non-empty string for hook delivery" };
  if (hasAccount && (!hasChannel || !to)) return { ok: false, error: "accountId requires channel and to for hook delivery" };
  if (!hasChannel || !to) return { ok: false, error: "channel and to must be set together for hook delivery" };
  if (channel.channel === "last") return { ok: false, error: "channel must name a concrete channel for hook delivery" };
  return { ok: true, value: { deliver: true, channel: channel.channel, to, accountId } };
}

/** A mapping's destination: `channel` defaults to "last", `to` is rendered already (empty means none). */
export function mappedDestination(deliver: boolean, rawChannel: string | undefined, to: string | undefined, channelIds: string[]): Parsed {
  const channel = hookChannel(rawChannel, channelIds);
  if (!channel.ok) return channel;
  if (!deliver) return { ok: true, value: { deliver: false } };
  return { ok: true, value: { deliver: true, channel: channel.channel, to: to?.trim() || undefined } };
}

/** True when the destination names a chat outright (its account is then checked before dispatch). */
export const isExplicit = (d: HookDestination): d is HookDestination & { deliver: true; to: string } => d.deliver && d.channel !== "last" && d.to !== undefined;

/** A direct `/agent` with no destination announces nothing to a chat (there is no main-session completion event here). */
export const announces = (d: HookDestination, direct: boolean): boolean => d.deliver && !(direct && d.channel === "last" && d.to === undefined);

/** The terminal facts a waiting caller gets: never reply text, target or error detail (reference `completion`). */
export interface Completion {
  status: "ok" | "error";
  replyDisposition: "visible" | "silent" | "empty";
  delivered?: boolean;
  deliveryAttempted?: boolean;
  deliveryError?: "delivery-failed";
  deliverySuppressionReason?: "empty" | "silent" | "heartbeat";
}

/** What delivery did, with the error text for the log (the caller only learns "delivery-failed"). */
export type Delivered = Pick<Completion, "delivered" | "deliveryAttempted" | "deliverySuppressionReason"> & { error?: string; target?: string };

function disposition(result: RunResult): { kind: Completion["replyDisposition"]; reason?: "empty" | "silent" | "heartbeat" } {
  const reply = result.text.trim();
  if (!reply) return { kind: "empty", reason: "empty" };
  if (reply === "NO_REPLY") return { kind: "silent", reason: "silent" };
  // A heartbeat acknowledgement (HEARTBEAT_OK with little else) is no message to anyone.
  if (reply.includes("HEARTBEAT_OK") && classifyReply(reply, DISPLAY_ACK_MAX_CHARS).silent) return { kind: "silent", reason: "heartbeat" };
  return { kind: "visible" };
}

/**
 * Sends a finished run's reply where its destination points; never throws. An explicit chat is used as given
 * (`<chat>:topic:<n>` names a forum topic); otherwise the agent's last conversation, on the named channel if any.
 */
export async function deliverRun(destination: HookDestination, direct: boolean, result: RunResult, agentId: string, delivery: ChannelDelivery | undefined): Promise<Delivered> {
  if (result.status !== "ok" || !announces(destination, direct) || !destination.deliver) return {};
  const shown = disposition(result);
  if (shown.reason) return { delivered: false, deliveryAttempted: false, deliverySuppressionReason: shown.reason };
  if (!delivery) return { delivered: false, deliveryAttempted: false, error: "no channel is configured on this gateway" };
  try {
    const channel = destination.channel === "last" ? undefined : destination.channel;
    const target = await announceTarget(delivery, agentId, channel, destination.to, destination.accountId);
    if (!target) return { delivered: false, deliveryAttempted: false, error: `no delivery route${channel ? ` on ${channel}` : ""}: no conversation to deliver to` };
    const sent = await delivery.deliver(target, result.text);
    const where = `${target.channel ?? "chat"} ${target.to}`;
    return sent.succeeded ? { delivered: true, deliveryAttempted: true, target: where } : { delivered: false, deliveryAttempted: sent.attempted, error: sent.error ?? sent.status, target: where };
  } catch (error) {
    return { delivered: false, deliveryAttempted: false, error: (error as Error)?.message ?? String(error) };
  }
}

/** The `completion` object of a waiting caller. */
export function completionOf(result: RunResult, delivered: Delivered): Completion {
  const out: Completion = { status: result.status === "ok" ? "ok" : "error", replyDisposition: result.status === "ok" ? disposition(result).kind : "empty" };
  if (delivered.delivered !== undefined) out.delivered = delivered.delivered;
  if (delivered.deliveryAttempted !== undefined) out.deliveryAttempted = delivered.deliveryAttempted;
  if (delivered.error) out.deliveryError = "delivery-failed";
  if (delivered.deliverySuppressionReason) out.deliverySuppressionReason = delivered.deliverySuppressionReason;
  return out;
}

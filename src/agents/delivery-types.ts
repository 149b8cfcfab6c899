// How agent output reaches chats, as types only: the channels feature implements them, agents and automations
// call them (handed over by src/features.ts), so none of the three imports another's code.

/** A chat an agent turn is routed to (`agent --to`) and may be delivered to (`--deliver`). */
export interface DeliveryTarget {
  channel?: string;
  to: string;
  accountId?: string;
  replyTo?: string;
  threadId?: string;
}

/** The reference's `deliveryStatus` of an `agent` call with `deliver`. */
export interface DeliveryStatus {
  requested: true;
  attempted: boolean;
  status: "sent" | "suppressed" | "failed";
  succeeded: boolean;
  resultCount: number;
  error?: string;
}

/** How agent turns reach chats: the session a target's conversation uses, and sending a reply there. */
export interface ChannelDelivery {
  sessionKey(agentId: string, target: DeliveryTarget): Promise<string>;
  deliver(target: DeliveryTarget, text: string): Promise<DeliveryStatus>;
  /** The last external conversation of the session (else of the agent); undefined when there was none. */
  lastRoute(agentId: string, sessionKey?: string): Promise<RoutedTarget | undefined>;
  /** The operator DM an `owner` target means (optionally on one channel); undefined when none is configured. */
  ownerRoute(channel?: string): RoutedTarget | undefined;
  /** The channel ids a destination may name (hooks refuse any other before a run starts). */
  channelIds(): string[];
  /**
   * Whether an explicit destination's channel and account can be used, checked before a run is admitted: the
   * account it resolves to (as listed), or why not (channel unavailable; account invalid, unknown or disabled).
   */
  checkTarget(channel: string, accountId?: string): Promise<{ ok: true; accountId: string } | { ok: false; error: string }>;
  /** A `message` tool action (send, edit, delete) for an agent's turn; throws with a message the model reads. */
  action(params: { channel?: string; action: string; params: Record<string, unknown>; accountId?: string }): Promise<Record<string, unknown>>;
}

/** A target whose channel is known, and whether it is a person's DM (heartbeat `directPolicy`). */
export type RoutedTarget = DeliveryTarget & { channel: string; chatType: "direct" | "group" };

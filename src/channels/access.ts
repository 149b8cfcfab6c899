// Who gets an answer: DM policy (pairing | allowlist | open | disabled), then for groups the group allowlist,
// the sender policy and mention gating, as the reference's access-control pages describe.
import type { AccessSettings, GroupRule, InboundMessage } from "./types.ts";

export type AccessDecision =
  | { action: "process"; group?: GroupRule }
  | { action: "pair" }
  | { action: "drop"; reason: string };

const listed = (list: readonly string[] | undefined, id: string) => Boolean(list?.includes("*") || list?.includes(id));

/**
 * Decides what to do with an inbound message; `paired` reads the senders approved through pairing, called only
 * for a DM under `pairing` from a sender the config does not list (it reads a file; most messages need not).
 */
export function decideAccess(message: InboundMessage, access: AccessSettings, paired: () => readonly string[]): AccessDecision {
  if (message.chatType === "direct") {
    const explicit = access.allowFrom.includes(message.senderId);
    switch (access.dmPolicy) {
      case "disabled":
        return { action: "drop", reason: "dmPolicy disabled" };
      case "open":
        // `open` is public only with "*" in allowFrom; otherwise only the listed senders (pairing does not widen it).
        return listed(access.allowFrom, message.senderId) ? { action: "process" } : { action: "drop", reason: "sender not in allowFrom" };
      case "allowlist":
        return explicit ? { action: "process" } : { action: "drop", reason: "sender not in allowFrom" };
      default:
        return explicit || listed(access.allowFrom, message.senderId) || paired().includes(message.senderId) ? { action: "process" } : { action: "pair" };
    }
  }
  const groups = access.groups;
  const rule: GroupRule | undefined = groups ? (groups[message.chatId] ?? groups["*"]) : undefined;
  if (groups && !rule) return { action: "drop", reason: "group not in groups" };
  if (!groups && access.groupPolicy !== "open") return { action: "drop", reason: "no groups configured (groupPolicy allowlist)" };
  if (rule?.enabled === false) return { action: "drop", reason: "group disabled" };
  const senderPolicy = rule?.groupPolicy ?? access.groupPolicy;
  if (senderPolicy === "disabled") return { action: "drop", reason: "groupPolicy disabled" };
  if (senderPolicy === "allowlist") {
    // Group senders never inherit DM pairing approvals: the group's allowFrom, else groupAllowFrom, else allowFrom.
    const senders = rule?.allowFrom?.map((s) => s.replace(/^(telegram|tg):/i, "")) ?? access.groupAllowFrom ?? access.allowFrom;
    if (!listed(senders, message.senderId)) return { action: "drop", reason: "sender not allowed in group" };
  }
  const requireMention = rule?.requireMention ?? true;
  if (requireMention && !message.mentioned && !message.command) return { action: "drop", reason: "no mention" };
  return { action: "process", group: rule };
}

// Heartbeat acknowledgements as the agent side sees them: which reply is a silent ack (HEARTBEAT_OK at the start
// or end with little else, NO_REPLY, nothing), which run is a heartbeat, and the transcript without the turns a
// silent ack closed. Automations classify replies with this too; chat events and history hide what it marks.
import type { StoredMessage } from "./store.ts";

/** Heartbeat runs' ids start with this, so their stored messages are recognisable later. */
export const HEARTBEAT_RUN_PREFIX = "heartbeat:";
/** The reference's fixed budget for chat events and history (the heartbeat's own `ackMaxChars` decides delivery). */
export const DISPLAY_ACK_MAX_CHARS = 300;

export type AckClass = { silent: true; status: "ok-empty" | "ok-token" } | { silent: false; text: string };

export const isHeartbeatRun = (runId: string | null | undefined): boolean => typeof runId === "string" && runId.startsWith(HEARTBEAT_RUN_PREFIX);

/** HEARTBEAT_OK at the start or end with at most `ackMaxChars` left, or NO_REPLY / nothing: a silent ack. */
export function classifyReply(text: string, ackMaxChars: number): AckClass {
  const trimmed = text.trim();
  if (!trimmed) return { silent: true, status: "ok-empty" };
  if (trimmed === "NO_REPLY") return { silent: true, status: "ok-token" };
  for (const token of ["HEARTBEAT_OK", "NO_REPLY"]) {
    if (trimmed.startsWith(token) || trimmed.endsWith(token)) {
      const rest = (trimmed.startsWith(token) ? trimmed.slice(token.length) : trimmed.slice(0, -token.length)).trim();
      if (rest.length <= ackMaxChars) return { silent: true, status: "ok-token" };
    }
  }
  return { silent: false, text: trimmed };
}

/** An assistant message that is only an acknowledgement (a token; in a heartbeat run, nothing at all counts too). */
function isAck(m: StoredMessage): boolean {
  if (m.role !== "assistant" || m.toolCalls?.length || m.error) return false;
  if (!m.content.trim()) return isHeartbeatRun(m.runId);
  return classifyReply(m.content, DISPLAY_ACK_MAX_CHARS).silent;
}

/**
 * The transcript without heartbeat turns that ended in a silent ack (prompt, tool steps and ack), as the
 * reference drops them from the model's context: a quiet check leaves no trace in the next turn.
 */
export function withoutAckedHeartbeats(messages: StoredMessage[]): StoredMessage[] {
  const acked = new Set<string>();
  for (const m of messages) if (isHeartbeatRun(m.runId) && isAck(m)) acked.add(m.runId!);
  return acked.size ? messages.filter((m) => !(m.runId && acked.has(m.runId))) : messages;
}

/** What a chat view shows: no acked heartbeat turns, no heartbeat prompts, no ack-only replies anywhere. */
export function visibleHistory(messages: StoredMessage[]): StoredMessage[] {
  return withoutAckedHeartbeats(messages).filter((m) => !(m.role === "user" && isHeartbeatRun(m.runId)) && !isAck(m));
}

// How sessions, messages and run events look on the wire (RPC payloads, events, tool results).
import type { ChatMessage } from "./providers/types.ts";
import type { SessionRow, StoredMessage } from "./store.ts";

/** Events about agent runs go to operators who can read (write and admin include read). */
export function canRead(scopes: readonly string[]): boolean {
  return scopes.includes("operator.read") || scopes.includes("operator.write") || scopes.includes("operator.admin");
}

/** One `sessions.list` row. */
export function sessionRow(row: SessionRow, activeRunIds: string[], now = Date.now()): Record<string, unknown> {
  return {
    key: row.key,
    kind: "direct",
    agentId: row.agentId,
    sessionId: row.sessionId,
    label: row.label ?? undefined,
    displayName: row.label ?? row.key,
    channel: row.channel ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    modelProvider: row.modelProvider ?? undefined,
    model: row.model ?? undefined,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    totalTokens: row.totalTokens,
    lastRunId: row.lastRunId ?? undefined,
    hasActiveRun: activeRunIds.length > 0,
    activeRunIds,
    snapshotAt: now,
  };
}

/** Tool call arguments as the reference's transcript carries them: the parsed object, or the raw text. */
function callArguments(raw: string): unknown {
  try {
    return JSON.parse(raw || "{}");
  } catch {
    return raw;
  }
}

/**
 * One `chat.history` message in the reference's transcript shapes: a user turn's `content` is the string it
 * was sent as; assistant turns are content parts (text, toolCall); tool results are `toolResult` messages.
 */
export function historyMessage(m: StoredMessage): Record<string, unknown> {
  let content: unknown;
  if (m.role === "user" || m.role === "system") content = m.content;
  else if (m.role === "tool") content = [{ type: "text", text: m.content }];
  else {
    const parts: unknown[] = m.content ? [{ type: "text", text: m.content }] : [];
    for (const call of m.toolCalls ?? []) parts.push({ type: "toolCall", id: call.id, name: call.name, arguments: callArguments(call.arguments) });
    content = parts;
  }
  const out: Record<string, unknown> = { id: String(m.id), role: m.role === "tool" ? "toolResult" : m.role, content, timestamp: m.createdAt };
  if (m.runId) out.runId = m.runId;
  if (m.toolCallId) out.toolCallId = m.toolCallId;
  if (m.role === "tool") {
    if (m.toolName) out.toolName = m.toolName;
    out.isError = m.isError === true;
  }
  if (m.role === "assistant") {
    if (m.provider) out.provider = m.provider;
    if (m.model) out.model = m.model;
    if (m.usage) out.usage = m.usage;
    if (m.stopReason) out.stopReason = m.stopReason;
    if (m.error) out.errorMessage = m.error;
  }
  return out;
}

/** The `session.message` event: one committed transcript message for the session's message subscribers. */
export function sessionMessageEvent(m: StoredMessage, agentId: string, messageSeq: number, session?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { sessionKey: m.sessionKey, agentId, message: { ...historyMessage(m), __openclaw: { id: String(m.id), seq: messageSeq } }, messageId: String(m.id), messageSeq };
  if (m.runId) out.runId = m.runId;
  if (session) out.session = session;
  return out;
}

/** The assistant message snapshot carried by `chat` events. */
export function assistantMessage(text: string, timestamp = Date.now()): Record<string, unknown> {
  return { role: "assistant", content: [{ type: "text", text }], timestamp };
}

/** Stored transcript → provider messages (system rows are not replayed; the agent's prompt is). */
export function toChat(messages: StoredMessage[]): ChatMessage[] {
  return messages
    .filter((m) => m.role !== "system" && (m.content || m.toolCalls?.length || m.role === "tool"))
    .map((m) => ({ role: m.role, content: m.content, toolCalls: m.toolCalls ?? undefined, toolCallId: m.toolCallId ?? undefined }));
}

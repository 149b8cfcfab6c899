// One round of gateway-run tools inside an agent run: each tool call the model asked for runs in the agent's
// workspace (through the Toolbox, so policy and exec approvals apply), streams `tool` start/result events,
// and commits its result to the transcript. Once the run is aborted, or a user message is steered into it, the
// remaining calls are not run but still get a result, so every stored tool call has its answer and the
// transcript replays cleanly.
import type { ChatMessage, ToolCall } from "./providers/index.ts";
import type { NewMessage } from "./store.ts";
import type { Toolbox } from "./tools/toolbox.ts";

/** Characters of a tool result kept in the transcript and sent back to the model. */
export const MAX_TOOL_RESULT_CHARS = 60_000;
/** Model rounds one run may spend on tool calls before it is stopped. */
export const MAX_TOOL_ROUNDS = 24;

export interface ToolRound {
  toolbox: Toolbox;
  workspace: string;
  agentId: string;
  sessionKey: string;
  runId: string;
  signal: AbortSignal;
  append: (message: NewMessage) => void;
  event: (data: Record<string, unknown>) => void;
  /** True once a user message was steered into the run: calls not started yet are skipped (as the reference does). */
  steered?: () => boolean;
}

function parsedArgs(raw: string): unknown {
  try {
    return JSON.parse(raw || "{}");
  } catch {
    return raw;
  }
}

export async function runToolCalls(calls: ToolCall[], round: ToolRound): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  for (const call of calls) {
    const args = parsedArgs(call.arguments);
    let text: string;
    let isError: boolean;
    let details: Record<string, unknown> | undefined;
    if (round.signal.aborted) {
      text = "Not run: the run was aborted.";
      isError = true;
    } else if (round.steered?.()) {
      // The newer message comes first; a running tool finished, but later calls wait for the model to decide again.
      text = "Skipped: a newer user message arrived before this call started; it was not run.";
      isError = true;
    } else {
      round.event({ phase: "start", name: call.name, toolCallId: call.id, args });
      const result = await round.toolbox.invoke(call.name, call.arguments, {
        workspace: round.workspace,
        agentId: round.agentId,
        sessionKey: round.sessionKey,
        runId: round.runId,
        toolCallId: call.id,
        signal: round.signal,
        update: (details) => round.event({ phase: "update", name: call.name, toolCallId: call.id, partialResult: { details } }),
      });
      text = result.text.length > MAX_TOOL_RESULT_CHARS ? `${result.text.slice(0, MAX_TOOL_RESULT_CHARS)}\n[truncated]` : result.text;
      isError = result.isError === true;
      details = result.details;
      round.event({ phase: "result", name: call.name, toolCallId: call.id, isError, result: { content: [{ type: "text", text }], ...(details ? { details } : {}) } });
    }
    round.append({ sessionKey: round.sessionKey, runId: round.runId, role: "tool", content: text, toolCallId: call.id, toolName: call.name, isError });
    out.push({ role: "tool", content: text, toolCallId: call.id });
  }
  return out;
}

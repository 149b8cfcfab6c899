// Compaction as the reference does it: the model writes a summary of the older part of a session, which then
// stands in for that part; the newest messages (about `keepRecentTokens` worth) stay as they were, and a tool
// call is never separated from its results. The summary is asked of the session's model chain (its fallbacks
// included) or of `agents.defaults.compaction.model` exactly; when no summary comes back, nothing changes.
import { modelChain, resolveModelRef, type AgentsConfig, type ModelTarget } from "./config.ts";
import { streamWithFallback } from "./providers/index.ts";
import type { SessionStore, StoredMessage } from "./store.ts";

const DEFAULT_KEEP_RECENT_TOKENS = 20_000;
const DEFAULT_TIMEOUT_S = 180;
/** Messages read for one compaction; older ones are already outside what the model sees (history's window). */
const MAX_READ = 5_000;
const MAX_TOOL_TEXT = 2_000;
const MAX_INPUT_CHARS = 400_000;

const INSTRUCTIONS = [
  "You are compacting a long conversation between a user and an AI assistant so that it can continue in a smaller context.",
  "Write a faithful summary of the conversation below for the assistant itself to read later. Keep: the user's goals and",
  "preferences, decisions made, facts learned, files, commands and tool results that still matter, open questions and",
  "anything the user asked for that is not done yet. Copy identifiers (ids, paths, URLs, numbers) exactly.",
  "Do not answer or continue the conversation; output only the summary.",
].join(" ");

export interface CompactionResult {
  ok: boolean;
  compacted: boolean;
  reason?: string;
  result?: { summary: string; firstKeptEntryId: string; tokensBefore: number; tokensAfter: number };
}

export interface CompactionRequest {
  store: SessionStore;
  sessionKey: string;
  agentId: string;
  config: AgentsConfig;
  /** The session's own model choice (sessions.patch), used when no compaction model is configured. */
  modelOverride?: string | null;
  signal?: AbortSignal;
}

/** Rough token count (4 characters a token), enough to pick where the kept tail starts. */
function tokens(m: Pick<StoredMessage, "content" | "toolCalls">): number {
  return Math.ceil((m.content.length + (m.toolCalls ?? []).reduce((n, c) => n + c.name.length + c.arguments.length, 0)) / 4);
}

/** Index of the first kept message: the newest `budget` tokens, moved back so no tool result loses its call. */
export function splitPoint(messages: Array<Pick<StoredMessage, "role" | "content" | "toolCalls">>, budget: number): number {
  let cut = messages.length;
  let used = 0;
  while (cut > 0 && used + tokens(messages[cut - 1]!) <= budget) used += tokens(messages[--cut]!);
  while (cut > 0 && cut < messages.length && messages[cut]!.role === "tool") cut--;
  return cut;
}

/** The older part as plain text for the summarizer (it reads text; long tool output is cut). */
function transcriptText(messages: StoredMessage[]): string {
  const lines = messages.map((m) => {
    const calls = (m.toolCalls ?? []).map((c) => `\n[tool call ${c.name}] ${c.arguments}`).join("");
    const text = m.role === "tool" && m.content.length > MAX_TOOL_TEXT ? `${m.content.slice(0, MAX_TOOL_TEXT)} …[cut]` : m.content;
    const who = m.role === "tool" ? `tool result${m.toolName ? ` (${m.toolName})` : ""}` : m.stopReason === "compaction" ? "earlier summary" : m.role;
    return `[${who}]: ${text}${calls}`;
  });
  const all = lines.join("\n\n");
  return all.length > MAX_INPUT_CHARS ? `…[earliest part omitted]\n\n${all.slice(-MAX_INPUT_CHARS)}` : all;
}

function chainFor(req: CompactionRequest): ModelTarget[] {
  const configured = (req.config.raw.defaults as { compaction?: { model?: unknown } } | undefined)?.compaction?.model;
  // An explicit compaction model is exact: it does not borrow the session's fallbacks.
  if (typeof configured === "string" && configured.trim()) return [resolveModelRef(req.config, configured.trim(), "agents.defaults.compaction.model")];
  return modelChain(req.config, req.agentId, req.modelOverride ?? undefined);
}

/** The text a summary is stored as: it stands in for the older conversation at the start of the transcript. */
export function summaryMessage(summary: string): string {
  return `The conversation before this point was compacted into this summary:\n<summary>\n${summary}\n</summary>`;
}

export async function compactSession(req: CompactionRequest): Promise<CompactionResult> {
  const settings = ((req.config.raw.defaults as { compaction?: Record<string, unknown> } | undefined)?.compaction ?? {}) as { keepRecentTokens?: unknown; timeoutSeconds?: unknown };
  const keepBudget = typeof settings.keepRecentTokens === "number" && settings.keepRecentTokens >= 0 ? settings.keepRecentTokens : DEFAULT_KEEP_RECENT_TOKENS;
  const timeoutS = typeof settings.timeoutSeconds === "number" && settings.timeoutSeconds > 0 ? settings.timeoutSeconds : DEFAULT_TIMEOUT_S;
  const messages = req.store.history(req.sessionKey, MAX_READ);
  const cut = splitPoint(messages, keepBudget);
  if (cut === 0) return { ok: true, compacted: false, reason: "nothing to compact: the whole transcript fits the kept tail" };
  const older = messages.slice(0, cut);
  const tokensBefore = messages.reduce((n, m) => n + tokens(m), 0);
  let summary = "";
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutS * 1000), ...(req.signal ? [req.signal] : [])]);
    await streamWithFallback(
      chainFor(req),
      { system: INSTRUCTIONS, messages: [{ role: "user", content: `<conversation>\n${transcriptText(older)}\n</conversation>` }] },
      { signal },
      (event) => {
        if (event.type === "text") summary += event.text;
      },
    );
  } catch (error) {
    return { ok: false, compacted: false, reason: `summary failed, transcript unchanged: ${(error as Error)?.message ?? String(error)}` };
  }
  summary = summary.trim();
  if (!summary) return { ok: false, compacted: false, reason: "summary failed, transcript unchanged: the model returned no text" };
  const stored = summaryMessage(summary);
  // From the first kept message's id on (past the last one when nothing is kept): whatever a run appended
  // while the summary was written stays too.
  const fromId = messages[cut]?.id ?? messages[messages.length - 1]!.id + 1;
  const kept = req.store.compact(req.sessionKey, 0, { text: stored, fromId, sessionId: messages[0]!.sessionId });
  if (kept < 0) return { ok: false, compacted: false, reason: "the session was reset while the summary was written; nothing changed" };
  const first = req.store.history(req.sessionKey, kept + 1)[1];
  const tokensAfter = Math.ceil(stored.length / 4) + messages.slice(cut).reduce((n, m) => n + tokens(m), 0);
  return { ok: true, compacted: true, result: { summary, firstKeptEntryId: String(first?.id ?? ""), tokensBefore, tokensAfter } };
}

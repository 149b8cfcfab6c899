// Inbound message → session key (as the reference derives it) → agent run on the run manager → the reply back
// in the same chat: typing while the run works, a streamed preview kept up to date with edits, the final text
// chunked at the channel's limit with the first piece replying to the inbound message.
import { readFileSync } from "node:fs";
import type { AgentsService } from "../agents/methods.ts";
import type { Run } from "../agents/run.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import { chunkText } from "./text.ts";
import type { AccountConfig, AccountTransport, InboundMessage } from "./types.ts";

const TYPING_EVERY_MS = 4500;
const EDIT_EVERY_MS = 1000;
/** A preview starts once this much text exists (a one-word preview flickers for nothing). */
const PREVIEW_MIN_CHARS = 30;

/** The agent that owns an account: a `bindings[]` match on channel (+ account), else the default agent. */
export function ownerAgent(config: ConfigSnapshot["config"], channel: string, accountId: string): string {
  const bindings = Array.isArray((config as any).bindings) ? ((config as any).bindings as any[]) : [];
  const exact = bindings.find((b) => b?.match?.channel === channel && b?.match?.accountId === accountId && !b?.match?.peer);
  const any = bindings.find((b) => b?.match?.channel === channel && (b?.match?.accountId === "*" || b?.match?.accountId === undefined) && !b?.match?.peer);
  const id = (exact ?? any)?.agentId;
  return typeof id === "string" && id.trim() ? id.trim().toLowerCase() : "main";
}

/** Session key of an inbound message: `session.dmScope` for DMs, `session.groupScope` for groups. */
export function sessionKeyFor(config: ConfigSnapshot["config"], agentId: string, m: InboundMessage): string {
  const session = ((config as any).session ?? {}) as { dmScope?: string; groupScope?: string };
  if (m.chatType === "direct") {
    switch (session.dmScope) {
      case "per-peer":
        return `agent:${agentId}:direct:${m.senderId}`;
      case "per-channel-peer":
        return `agent:${agentId}:${m.channel}:direct:${m.senderId}`;
      case "per-account-channel-peer":
        return `agent:${agentId}:${m.channel}:${m.accountId}:direct:${m.senderId}`;
      default:
        return `agent:${agentId}:main`;
    }
  }
  if (session.groupScope === "main") return `agent:${agentId}:main`;
  return `agent:${agentId}:${m.channel}:group:${m.chatId}${m.threadId ? `:topic:${m.threadId}` : ""}`;
}

const VISION_MIME = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_IMAGES = 4;

/** Photos of a turn as model input (what vision models accept: jpeg/png/gif/webp up to 5 MB, 4 at most). */
export function turnImages(m: InboundMessage): Array<{ mime: string; data: string }> {
  return m.media
    .filter((f) => f.kind === "image" && VISION_MIME.has(f.mime ?? "") && f.bytes <= MAX_IMAGE_BYTES)
    .slice(0, MAX_IMAGES)
    .flatMap((f) => {
      try {
        return [{ mime: f.mime!, data: readFileSync(f.path).toString("base64") }];
      } catch {
        return [];
      }
    });
}

/** The user turn the model sees: the text, plus a line per attached file (saved under the state dir). */
export function turnText(m: InboundMessage): string {
  const lines = m.media.map((f) => `<media:${f.kind}> ${f.path}${f.mime ? ` (${f.mime})` : ""}`);
  return [m.text, ...lines].filter(Boolean).join("\n");
}

export interface DeliverDeps {
  agents: AgentsService;
  config: () => ConfigSnapshot;
  broadcast(event: string, payload: unknown): void;
  log: { info(msg: string): void; warn(msg: string): void };
  onOutbound(): void;
  onRun(delta: 1 | -1): void;
}

/**
 * Steers a message into its session's running turn (queue mode `steer`): the turn takes it at its next model
 * round and its reply answers both. Undefined when the turn cannot take it now; the caller then queues it.
 */
export function steerTurn(deps: Pick<DeliverDeps, "agents" | "broadcast">, sessionKey: string, m: InboundMessage): Run | undefined {
  const content = turnText(m);
  const images = turnImages(m);
  const run = deps.agents.runs.steer(sessionKey, { role: "user", content, ...(images.length ? { images } : {}) });
  if (run) deps.broadcast("session.message", { sessionKey, agentId: run.agentId, runId: run.runId, message: { role: "user", content, channel: m.channel, senderId: m.senderId, chatId: m.chatId, ts: Date.now() } });
  return run;
}

/** Runs the agent for an admitted message and delivers the reply; resolves when the reply is out. */
export async function runAndReply(deps: DeliverDeps, account: AccountConfig, transport: AccountTransport, m: InboundMessage, extraSystem?: string): Promise<void> {
  const config = deps.config().config;
  const agentId = ownerAgent(config, m.channel, m.accountId);
  const sessionKey = sessionKeyFor(config, agentId, m);
  const runId = `${m.channel}:${m.accountId}:${m.chatId}:${m.messageId}`;
  const content = turnText(m);
  deps.broadcast("session.message", { sessionKey, agentId, runId, message: { role: "user", content, channel: m.channel, senderId: m.senderId, chatId: m.chatId, ts: Date.now() } });
  let started;
  try {
    const images = turnImages(m);
    started = deps.agents.runs.start({ runId, agentId, sessionKey, input: { role: "user", content, ...(images.length ? { images } : {}) }, channel: m.channel, extraSystem });
  } catch (error) {
    deps.log.warn(`${m.channel} ${m.accountId}: run refused: ${(error as Error).message}`);
    await transport.send({ chatId: m.chatId, text: `⚠️ ${(error as Error).message}`, replyToId: m.messageId, threadId: m.threadId }).catch(() => {});
    return;
  }
  if (started.existing) return;
  const run = started.run;
  deps.onRun(1);
  const limit = account.textChunkLimit;
  let preview: { id: string; text: string } | undefined;
  let previewBusy: Promise<void> | undefined;
  let lastEdit = 0;
  let latest = "";
  const streaming = account.streaming !== "off";
  const typingTimer = setInterval(() => void transport.typing(m.chatId, m.threadId), TYPING_EVERY_MS);
  void transport.typing(m.chatId, m.threadId);

  const pushPreview = () => {
    if (previewBusy || latest.length < PREVIEW_MIN_CHARS || latest.length > limit) return;
    const now = Date.now();
    if (preview && now - lastEdit < EDIT_EVERY_MS) return;
    lastEdit = now;
    const text = latest;
    previewBusy = (async () => {
      try {
        if (!preview) {
          const sent = await transport.send({ chatId: m.chatId, text, replyToId: m.messageId, threadId: m.threadId });
          preview = { id: sent.messageIds[0]!, text };
        } else if (preview.text !== text) {
          await transport.edit(m.chatId, preview.id, text);
          preview.text = text;
        }
      } catch (error) {
        deps.log.warn(`${m.channel} ${m.accountId}: preview failed: ${(error as Error).message}`);
      } finally {
        previewBusy = undefined;
      }
    })();
  };
  const unsubscribe = run.subscribe((event) => {
    if (event.kind === "text" && streaming) {
      latest = event.text;
      pushPreview();
    }
  });
  try {
    const result = await run.done;
    unsubscribe();
    clearInterval(typingTimer);
    await previewBusy;
    const text = result.status === "ok" ? result.text : result.status === "error" ? `⚠️ ${result.error?.message ?? "the agent failed"}` : "";
    if (!text.trim()) return;
    const chunks = chunkText(text, limit);
    let first = 0;
    if (preview) {
      if (preview.text !== chunks[0]) await transport.edit(m.chatId, preview.id, chunks[0]!);
      first = 1;
    }
    for (let i = first; i < chunks.length; i++) {
      await transport.send({ chatId: m.chatId, text: chunks[i], replyToId: i === 0 ? m.messageId : undefined, threadId: m.threadId });
    }
    deps.onOutbound();
    deps.broadcast("session.message", { sessionKey, agentId, runId, message: { role: "assistant", content: text, channel: m.channel, chatId: m.chatId, ts: Date.now() } });
  } catch (error) {
    deps.log.warn(`${m.channel} ${m.accountId}: reply to ${m.chatId} failed: ${(error as Error).message}`);
  } finally {
    unsubscribe();
    clearInterval(typingTimer);
    deps.onRun(-1);
  }
}

// The `agent` and `chat` events of one run, in the reference's shapes: `agent` {runId, seq, stream, ts, data}
// and `chat` {runId, sessionKey, seq, state, …}. Text deltas go through LiveText (paced, budgeted); every other
// event first flushes the text still pending, so readers see the stream in order. Nothing is built when no
// client may read it.
import { classifyReply, DISPLAY_ACK_MAX_CHARS, isHeartbeatRun } from "./heartbeat-ack.ts";
import { LiveText, type LiveClock } from "./live-text.ts";
import { assistantMessage } from "./present.ts";
import type { ProviderError } from "./providers/types.ts";

/** How a run reaches readers: the broadcast, and optionally a cheap "is anyone allowed to read" check. */
export interface RunEventSink {
  broadcast: (event: string, payload: unknown) => void;
  /** False when no connected client may read run events; absent means "assume someone may". */
  hasReaders?: () => boolean;
  clock?: LiveClock;
}

/** The reference's `chat` error kinds (ChatEventErrorKindSchema); anything else is "unknown". */
export function chatErrorKind(failure: ProviderError): "timeout" | "rate_limit" | "unknown" {
  if (failure.kind === "timeout") return "timeout";
  if (failure.status === 429) return "rate_limit";
  return "unknown";
}

/** One run's event stream: per-event seq counters, paced text, and the reader check before anything is built. */
export class RunEvents {
  #agentSeq = 0;
  #chatSeq = 0;
  readonly #live: LiveText;
  readonly #readers: () => boolean;

  constructor(
    private readonly sink: RunEventSink,
    private readonly runId: string,
    private readonly sessionKey: string,
  ) {
    this.#readers = sink.hasReaders ?? (() => true);
    this.#live = new LiveText((text, delta) => this.#textEvents(text, delta), sink.clock, this.#readers);
  }

  /** The answer so far. */
  get text(): string {
    return this.#live.text;
  }

  /** Full-text characters the live events of this run have cost so far. */
  get liveSpent(): number {
    return this.#live.spent;
  }

  /** A model text delta: kept at once, sent paced (see LiveText). */
  appendText(delta: string): void {
    this.#live.push(delta);
  }

  agent(stream: string, data: Record<string, unknown>): void {
    this.#live.flush();
    this.#agent(stream, data);
  }

  /** A tool step (start/result): an `agent` event on the tool stream, mirrored as `session.tool` for subscribers. */
  tool(data: Record<string, unknown>): void {
    this.#live.flush();
    const payload = this.#agent("tool", data);
    if (payload) this.sink.broadcast("session.tool", payload);
  }

  chat(state: string, extra: Record<string, unknown>): void {
    this.#live.flush();
    // A heartbeat's final shows its alert; an acknowledgement ends the run in chat views without a message.
    if (state === "final" && isHeartbeatRun(this.runId)) {
      const { message, ...rest } = extra as { message?: { content?: Array<{ text?: string }> } };
      const reply = classifyReply(message?.content?.map((part) => part.text ?? "").join("") ?? "", DISPLAY_ACK_MAX_CHARS);
      this.#chat(state, reply.silent ? rest : { ...rest, message: assistantMessage(reply.text) });
      return;
    }
    this.#chat(state, extra);
  }

  close(): void {
    this.#live.close();
  }

  #textEvents(text: string, delta: string): void {
    this.#agent("assistant", { text, delta });
    // A heartbeat's text may turn out to be an acknowledgement, which chat views never show: only its final.
    if (!isHeartbeatRun(this.runId)) this.#chat("delta", { message: assistantMessage(text), deltaText: delta });
  }

  #agent(stream: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
    if (!this.#readers()) return undefined;
    const payload = { runId: this.runId, seq: ++this.#agentSeq, stream, ts: Date.now(), data, sessionKey: this.sessionKey };
    this.sink.broadcast("agent", payload);
    return payload;
  }

  #chat(state: string, extra: Record<string, unknown>): void {
    if (!this.#readers()) return;
    this.sink.broadcast("chat", { runId: this.runId, sessionKey: this.sessionKey, seq: ++this.#chatSeq, state, ...extra });
  }
}

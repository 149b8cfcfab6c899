// One agent run: what was asked (RunRequest), its state and listeners, and how it ended (RunResult).
import type { AgentConfigError, ModelTarget } from "./config.ts";
import type { ChatMessage, ChatRequest, FinishReason, ToolCall, Usage } from "./providers/index.ts";

/** A run: who, where, the new turn, and the model options an HTTP caller may pass through (ChatRequest's). */
export interface RunRequest extends Pick<ChatRequest, "tools" | "toolChoice" | "maxTokens" | "temperature" | "topP" | "stop"> {
  runId: string;
  agentId: string;
  sessionKey: string;
  /** The new turn: a user message (or a tool result on HTTP follow-ups). */
  input: ChatMessage;
  channel?: string;
  modelOverride?: string;
  extraSystem?: string;
  /** Conversation supplied by the client (HTTP); used instead of the stored transcript when given. */
  context?: ChatMessage[];
  timeoutMs?: number;
  /** How this message treats a run already active in the session (see queue.ts); absent: session/config. */
  queueMode?: string;
  /** False for system turns (heartbeat, cron, hooks): a user message never joins them, it waits for its own turn. */
  steerable?: boolean;
}

export interface RunResult {
  runId: string;
  sessionKey: string;
  sessionId?: string;
  status: "ok" | "error" | "aborted";
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  provider?: string;
  model?: string;
  error?: { message: string; kind: string; status?: number };
  startedAt?: number;
  endedAt: number;
}

export type RunEvent =
  | { kind: "start" }
  | { kind: "text"; delta: string; text: string }
  | { kind: "tool_call"; index: number; id?: string; name?: string; arguments?: string }
  | { kind: "end"; result: RunResult };

export class Run {
  readonly runId: string;
  readonly sessionKey: string;
  readonly agentId: string;
  readonly acceptedAt = Date.now();
  readonly controller = new AbortController();
  readonly done: Promise<RunResult>;
  state: "queued" | "running" | "done" = "queued";
  startedAt: number | undefined;
  result: RunResult | undefined;
  abortReason: string | undefined;
  /** Set when the run was admitted although no model could be resolved: it starts, then fails with this. */
  configError: AgentConfigError | undefined;
  /** True from the run's start until it decides to end: a steered message joins at its next model round. */
  acceptsSteer = false;
  /** Steered user messages waiting for the next model call. */
  readonly steers: ChatMessage[] = [];
  /** Messages collected into this queued run (bounded by the queue cap). */
  collected = 0;
  #listeners = new Set<(event: RunEvent) => void>();
  #resolve!: (result: RunResult) => void;

  constructor(
    readonly request: RunRequest,
    readonly chain: ModelTarget[],
    /** Ends a run that is still queued when it is aborted (it must not wait for its turn to say so). */
    private readonly abortQueued: (run: Run) => void = () => {},
  ) {
    this.runId = request.runId;
    this.sessionKey = request.sessionKey;
    this.agentId = request.agentId;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  get finished(): boolean {
    return this.state === "done";
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  abort(reason: string): void {
    if (this.state === "done" || this.controller.signal.aborted) return;
    this.abortReason = reason;
    this.controller.abort();
    if (this.state === "queued") this.abortQueued(this);
  }

  finish(result: RunResult): void {
    if (this.state === "done") return;
    this.state = "done";
    this.result = result;
    this.emit({ kind: "end", result });
    this.#listeners.clear();
    this.#resolve(result);
  }
}


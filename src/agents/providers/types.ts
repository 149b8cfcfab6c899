// The provider-neutral shapes an agent run speaks; each wire adapter maps to and from its own format.

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  /** Images of a user turn (a photo sent to a channel), base64; sent to the model, not kept in the transcript. */
  images?: ChatImage[];
}

export interface ChatImage {
  mime: string;
  data: string;
}

export interface FunctionTool {
  name: string;
  description?: string;
  parameters?: unknown;
}

export interface ChatRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  /** OpenAI chat-completions form: "auto" | "none" | "required" | {type:"function", function:{name}}. */
  toolChoice?: unknown;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
}

export interface Usage {
  input: number;
  output: number;
  total: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export type ProviderEvent =
  | { type: "text"; text: string }
  | { type: "tool_call"; index: number; id?: string; name?: string; arguments?: string }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason };

/** Why a provider call failed; `retryable` failures (429, 5xx, network) are retried, then the next model is tried. */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    message: string,
    readonly kind: "http" | "timeout" | "network" | "aborted" | "protocol" | "config",
    readonly options: { status?: number; retryable?: boolean; retryAfterMs?: number; provider?: string; model?: string } = {},
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.options.status;
  }
  get retryable(): boolean {
    return this.options.retryable === true;
  }
}

/** Appends one raw provider stream event (JSONL) when `--raw-stream` is on. */
export type RawStreamSink = (record: Record<string, unknown>) => void;

/** What an adapter needs besides the request: cancellation, the raw-stream sink and a run id for it. */
export interface CallOptions {
  signal: AbortSignal;
  raw?: RawStreamSink;
  runId?: string;
  /** The gateway's resolved SecretRef at a config path: read per call, so `secrets reload` reaches the next call. */
  secret?: (path: string) => string | undefined;
}

// Picks the wire adapter for a model target, and runs a model chain with fallbacks.
import type { ModelTarget } from "../config.ts";
import { streamAnthropic } from "./anthropic.ts";
import { streamChatCompletions, streamResponses } from "./openai.ts";
import { ProviderError, type CallOptions, type ChatRequest, type ProviderEvent } from "./types.ts";

export function streamModel(target: ModelTarget, req: ChatRequest, options: CallOptions): AsyncGenerator<ProviderEvent> {
  switch (target.provider.api) {
    case "anthropic-messages":
      return streamAnthropic(target, req, options);
    case "openai-responses":
      return streamResponses(target, req, options);
    default:
      return streamChatCompletions(target, req, options);
  }
}

/** A failed attempt of the chain, for the error message and logs. */
export interface AttemptFailure {
  ref: string;
  error: ProviderError;
}

/**
 * Streams the first model of the chain that works. A model that fails before producing anything (after its
 * own retries) hands over to the next one; once output has been delivered a failure ends the run.
 */
export async function streamWithFallback(
  chain: ModelTarget[],
  req: Omit<ChatRequest, "model">,
  options: CallOptions,
  onEvent: (event: ProviderEvent, target: ModelTarget) => void,
  onFallback?: (failure: AttemptFailure, next: ModelTarget) => void,
): Promise<{ target: ModelTarget; failures: AttemptFailure[] }> {
  const failures: AttemptFailure[] = [];
  for (let i = 0; i < chain.length; i++) {
    const target = chain[i]!;
    let delivered = false;
    try {
      for await (const event of streamModel(target, { ...req, model: target.modelId }, options)) {
        if (event.type !== "usage") delivered = true;
        onEvent(event, target);
      }
      return { target, failures };
    } catch (error) {
      const err = error instanceof ProviderError ? error : new ProviderError(`${target.ref}: ${(error as Error)?.message ?? String(error)}`, "protocol");
      if (err.kind === "aborted" || options.signal.aborted) throw new ProviderError("request aborted", "aborted");
      failures.push({ ref: target.ref, error: err });
      const next = chain[i + 1];
      if (delivered || !next) throw chainError(failures);
      onFallback?.({ ref: target.ref, error: err }, next);
    }
  }
  throw chainError(failures);
}

function chainError(failures: AttemptFailure[]): ProviderError {
  const last = failures[failures.length - 1]!.error;
  if (failures.length === 1) return last;
  const message = failures.map((f) => f.error.message).join("; then ");
  return new ProviderError(`all models failed: ${message}`, last.kind, last.options);
}

export { ProviderError } from "./types.ts";
export type { ChatMessage, ChatRequest, ProviderEvent, Usage, FinishReason, ToolCall, FunctionTool } from "./types.ts";

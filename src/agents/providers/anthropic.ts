// Anthropic Messages wire format (`/v1/messages`, streaming events message_start … message_stop).
import type { ModelTarget } from "../config.ts";
import { callProvider, parseData } from "./http.ts";
import { ProviderError, type CallOptions, type ChatRequest, type FinishReason, type ProviderEvent } from "./types.ts";

const STOP: Record<string, FinishReason> = { end_turn: "stop", stop_sequence: "stop", max_tokens: "length", tool_use: "tool_calls", refusal: "content_filter" };

function wireMessages(req: ChatRequest): unknown[] {
  const out: Array<{ role: "user" | "assistant"; content: unknown[] }> = [];
  const push = (role: "user" | "assistant", block: unknown) => {
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(block);
    else out.push({ role, content: [block] });
  };
  for (const m of req.messages) {
    if (m.role === "system") continue;
    if (m.role === "tool") {
      push("user", { type: "tool_result", tool_use_id: m.toolCallId ?? "", content: m.content });
      continue;
    }
    for (const i of m.role === "user" ? (m.images ?? []) : []) push("user", { type: "image", source: { type: "base64", media_type: i.mime, data: i.data } });
    if (m.content) push(m.role, { type: "text", text: m.content });
    for (const c of m.toolCalls ?? []) push("assistant", { type: "tool_use", id: c.id, name: c.name, input: safeJson(c.arguments) });
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}

/** Streams one Anthropic Messages call as provider events. */
export async function* streamAnthropic(target: ModelTarget, req: ChatRequest, options: CallOptions): AsyncGenerator<ProviderEvent> {
  const system = [req.system, ...req.messages.filter((m) => m.role === "system").map((m) => m.content)].filter(Boolean).join("\n\n");
  const body: Record<string, unknown> = {
    model: target.modelId,
    max_tokens: req.maxTokens ?? target.entry?.maxTokens ?? 4096,
    messages: wireMessages(req),
    stream: true,
  };
  if (system) body.system = system;
  if (req.tools?.length) body.tools = req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters ?? { type: "object" } }));
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop?.length) body.stop_sequences = req.stop;
  const call = await callProvider(target, "/messages", body, options);
  const meta = { provider: target.providerId, model: target.modelId };
  const toolIndex = new Map<number, number>();
  let input = 0;
  let output = 0;
  let finished = false;
  for await (const event of call.events()) {
    const data = parseData(target, event.data);
    switch (data.type ?? event.event) {
      case "message_start":
        input = data.message?.usage?.input_tokens ?? 0;
        output = data.message?.usage?.output_tokens ?? 0;
        break;
      case "content_block_start":
        if (data.content_block?.type === "tool_use") {
          const index = toolIndex.size;
          toolIndex.set(data.index, index);
          yield { type: "tool_call", index, id: data.content_block.id, name: data.content_block.name };
        } else if (data.content_block?.type === "text" && data.content_block.text) {
          yield { type: "text", text: data.content_block.text };
        }
        break;
      case "content_block_delta":
        if (data.delta?.type === "text_delta" && data.delta.text) yield { type: "text", text: data.delta.text };
        else if (data.delta?.type === "input_json_delta") yield { type: "tool_call", index: toolIndex.get(data.index) ?? 0, arguments: data.delta.partial_json };
        break;
      case "message_delta":
        if (typeof data.usage?.output_tokens === "number") output = data.usage.output_tokens;
        if (typeof data.usage?.input_tokens === "number") input = data.usage.input_tokens;
        if (data.delta?.stop_reason) {
          yield { type: "usage", usage: { input, output, total: input + output } };
          yield { type: "finish", reason: STOP[data.delta.stop_reason] ?? "stop" };
          finished = true;
        }
        break;
      case "message_stop":
        if (!finished) {
          yield { type: "usage", usage: { input, output, total: input + output } };
          yield { type: "finish", reason: "stop" };
          finished = true;
        }
        return;
      case "error":
        throw new ProviderError(`${target.ref}: ${data.error?.message ?? "stream error"}`, "http", { ...meta, retryable: data.error?.type === "overloaded_error" });
    }
  }
  if (!finished) throw new ProviderError(`${target.ref}: stream ended before completion`, "protocol", meta);
}

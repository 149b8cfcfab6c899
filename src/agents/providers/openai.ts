// OpenAI wire formats: chat-completions (`/chat/completions`), responses (`/responses`) and `/embeddings`.
import type { ModelTarget } from "../config.ts";
import { callProvider, parseData } from "./http.ts";
import { ProviderError, type CallOptions, type ChatMessage, type ChatRequest, type FinishReason, type ProviderEvent } from "./types.ts";

function wireMessages(req: ChatRequest): unknown[] {
  const out: unknown[] = [];
  if (req.system) out.push({ role: "system", content: req.system });
  for (const m of req.messages) out.push(wireMessage(m));
  return out;
}

function wireMessage(m: ChatMessage): unknown {
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId ?? "", content: m.content };
  if (m.role === "assistant" && m.toolCalls?.length) {
    return {
      role: "assistant",
      content: m.content || null,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
    };
  }
  if (m.role === "user" && m.images?.length) {
    const images = m.images.map((i) => ({ type: "image_url", image_url: { url: `data:${i.mime};base64,${i.data}` } }));
    return { role: "user", content: [{ type: "text", text: m.content }, ...images] };
  }
  return { role: m.role, content: m.content };
}

const FINISH: Record<string, FinishReason> = { stop: "stop", length: "length", tool_calls: "tool_calls", function_call: "tool_calls", content_filter: "content_filter" };

/** Streams one chat-completions call as provider events. */
export async function* streamChatCompletions(target: ModelTarget, req: ChatRequest, options: CallOptions): AsyncGenerator<ProviderEvent> {
  const body: Record<string, unknown> = {
    model: target.modelId,
    messages: wireMessages(req),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } }));
    if (req.toolChoice !== undefined) body.tool_choice = req.toolChoice;
  }
  const maxTokens = req.maxTokens ?? target.entry?.maxTokens;
  if (maxTokens) body.max_completion_tokens = maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop?.length) body.stop = req.stop;
  const call = await callProvider(target, "/chat/completions", body, options);
  let finished = false;
  for await (const event of call.events()) {
    if (event.data === "[DONE]") {
      finished = true;
      break;
    }
    const chunk = parseData(target, event.data);
    if (chunk.error) throw new ProviderError(`${target.ref}: ${chunk.error.message ?? "stream error"}`, "http", { provider: target.providerId, model: target.modelId });
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (typeof delta?.content === "string" && delta.content) yield { type: "text", text: delta.content };
    for (const tc of delta?.tool_calls ?? []) {
      yield { type: "tool_call", index: tc.index ?? 0, id: tc.id, name: tc.function?.name, arguments: tc.function?.arguments };
    }
    if (choice?.finish_reason) {
      finished = true;
      yield { type: "finish", reason: FINISH[choice.finish_reason] ?? "stop" };
    }
    if (chunk.usage) {
      const u = chunk.usage;
      yield { type: "usage", usage: { input: u.prompt_tokens ?? 0, output: u.completion_tokens ?? 0, total: u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0) } };
    }
  }
  if (!finished) throw new ProviderError(`${target.ref}: stream ended before completion`, "protocol", { provider: target.providerId, model: target.modelId });
}

function responsesInput(req: ChatRequest): unknown[] {
  const out: unknown[] = [];
  for (const m of req.messages) {
    if (m.role === "tool") {
      out.push({ type: "function_call_output", call_id: m.toolCallId ?? "", output: m.content });
      continue;
    }
    if (m.role === "user" && m.images?.length) {
      const images = m.images.map((i) => ({ type: "input_image", image_url: `data:${i.mime};base64,${i.data}` }));
      out.push({ role: "user", content: [{ type: "input_text", text: m.content }, ...images] });
    } else if (m.content || m.role !== "assistant") out.push({ role: m.role, content: m.content });
    for (const c of m.toolCalls ?? []) out.push({ type: "function_call", call_id: c.id, name: c.name, arguments: c.arguments });
  }
  return out;
}

/** Streams one OpenAI Responses call as provider events. */
export async function* streamResponses(target: ModelTarget, req: ChatRequest, options: CallOptions): AsyncGenerator<ProviderEvent> {
  const body: Record<string, unknown> = { model: target.modelId, input: responsesInput(req), stream: true };
  if (req.system) body.instructions = req.system;
  if (req.tools?.length) body.tools = req.tools.map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.parameters }));
  const maxTokens = req.maxTokens ?? target.entry?.maxTokens;
  if (maxTokens) body.max_output_tokens = maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  const call = await callProvider(target, "/responses", body, options);
  const toolIndex = new Map<string, number>();
  let finished = false;
  for await (const event of call.events()) {
    if (event.data === "[DONE]") break;
    const data = parseData(target, event.data);
    const type = (data.type as string | undefined) ?? event.event;
    if (type === "response.output_text.delta" && typeof data.delta === "string") {
      yield { type: "text", text: data.delta };
    } else if (type === "response.output_item.added" && data.item?.type === "function_call") {
      const index = toolIndex.size;
      toolIndex.set(data.item.id ?? data.item.call_id, index);
      yield { type: "tool_call", index, id: data.item.call_id, name: data.item.name, arguments: data.item.arguments || undefined };
    } else if (type === "response.function_call_arguments.delta") {
      yield { type: "tool_call", index: toolIndex.get(data.item_id) ?? 0, arguments: data.delta };
    } else if (type === "response.completed" || type === "response.incomplete") {
      const u = data.response?.usage;
      if (u) yield { type: "usage", usage: { input: u.input_tokens ?? 0, output: u.output_tokens ?? 0, total: u.total_tokens ?? 0 } };
      finished = true;
      yield { type: "finish", reason: type === "response.incomplete" ? "length" : toolIndex.size > 0 ? "tool_calls" : "stop" };
      break;
    } else if (type === "response.failed" || type === "error") {
      const message = data.response?.error?.message ?? data.error?.message ?? data.message ?? "response failed";
      throw new ProviderError(`${target.ref}: ${message}`, "http", { provider: target.providerId, model: target.modelId });
    }
  }
  if (!finished) throw new ProviderError(`${target.ref}: stream ended before completion`, "protocol", { provider: target.providerId, model: target.modelId });
}

/** One `/embeddings` call; the vectors come back as float arrays. */
export async function embed(target: ModelTarget, input: string[], dimensions: number | undefined, options: CallOptions): Promise<{ vectors: number[][]; promptTokens: number }> {
  if (target.provider.api === "anthropic-messages") {
    throw new ProviderError(`${target.ref}: provider ${target.providerId} (anthropic-messages) has no embeddings endpoint; set agents.defaults.memorySearch.model to an OpenAI-compatible provider`, "config");
  }
  const body: Record<string, unknown> = { model: target.modelId, input, encoding_format: "float" };
  if (dimensions) body.dimensions = dimensions;
  const call = await callProvider(target, "/embeddings", body, options);
  const data = (await call.json()) as { data?: Array<{ index?: number; embedding?: number[] | string }>; usage?: { prompt_tokens?: number } };
  if (!Array.isArray(data.data)) throw new ProviderError(`${target.ref}: embeddings answer has no data[]`, "protocol");
  const vectors = [...data.data]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((d) => (typeof d.embedding === "string" ? decodeBase64Floats(d.embedding) : (d.embedding ?? [])));
  return { vectors, promptTokens: data.usage?.prompt_tokens ?? 0 };
}

export function encodeBase64Floats(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function decodeBase64Floats(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  const length = Math.floor(bytes.byteLength / 4) * 4;
  return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + length)));
}

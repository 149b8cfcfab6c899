// POST /v1/responses (OpenResponses): string or item input, run as an agent run, streamed as response.* events.
import type { ChatMessage, FunctionTool } from "../providers/types.ts";
import type { Run, RunResult } from "../runs.ts";
import type { AgentsService } from "../methods.ts";
import { abortOnDisconnect, conversationRun, failureStatus, openaiError, resultFailure, routeRequest, sseResponse, textOf, type Json } from "./common.ts";
import { jsonResponse } from "../../surface/http.ts";

const bad = (message: string) => openaiError(400, message, "invalid_request_error");
/** previous_response_id → the session it ran in (process memory; bounded). */
const sessionsByResponse = new Map<string, string>();

function splitInput(body: Json): { system: string[]; context: ChatMessage[]; input: ChatMessage } | Response {
  const system: string[] = [];
  if (typeof body.instructions === "string" && body.instructions) system.push(body.instructions);
  if (typeof body.input === "string") return { system, context: [], input: { role: "user", content: body.input } };
  if (!Array.isArray(body.input)) return bad("`input` must be a string or an array of items.");
  const convo: ChatMessage[] = [];
  for (const raw of body.input) {
    const item = raw as Json;
    if (!item || typeof item !== "object") return bad("Each `input` item must be an object.");
    const type = item.type ?? "message";
    if (type === "message") {
      if (item.role === "system" || item.role === "developer") system.push(textOf(item.content));
      else if (item.role === "user" || item.role === "assistant") convo.push({ role: item.role, content: textOf(item.content) });
      else return bad(`Unsupported input message role: ${JSON.stringify(item.role)}.`);
    } else if (type === "function_call_output") {
      convo.push({ role: "tool", content: typeof item.output === "string" ? item.output : JSON.stringify(item.output ?? ""), toolCallId: String(item.call_id ?? "") });
    } else if (type === "function_call") {
      convo.push({ role: "assistant", content: "", toolCalls: [{ id: String(item.call_id ?? ""), name: String(item.name ?? ""), arguments: String(item.arguments ?? "") }] });
    }
    // reasoning and item_reference items are accepted and ignored, as the reference does.
  }
  let index = convo.length - 1;
  if (index < 0 || (convo[index]!.role !== "user" && convo[index]!.role !== "tool")) index = convo.map((m) => m.role).lastIndexOf("user");
  if (index < 0) return bad("Missing user message in `input`.");
  return { system: system.filter(Boolean), context: convo.slice(0, index), input: convo[index]! };
}

function tools(body: Json): FunctionTool[] | undefined | Response {
  if (body.tools === undefined) return undefined;
  if (!Array.isArray(body.tools)) return bad("`tools` must be an array.");
  const out: FunctionTool[] = [];
  for (const t of body.tools as Json[]) {
    if (t?.type !== "function" || typeof t.name !== "string") return bad("Only function tools with a `name` are supported.");
    out.push({ name: t.name, description: t.description, parameters: t.parameters });
  }
  return out;
}

function usage(result?: RunResult): Json {
  const u = result?.usage ?? { input: 0, output: 0, total: 0 };
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.total || u.input + u.output,
  };
}

export async function handleResponses(request: Request, body: Json, service: AgentsService): Promise<Response> {
  const cfg = service.runs.config;
  const routing = routeRequest(request, body, cfg, "openresponses");
  if (routing instanceof Response) return routing;
  const previous = typeof body.previous_response_id === "string" ? sessionsByResponse.get(body.previous_response_id) : undefined;
  if (previous && !request.headers.get("x-openclaw-session-key") && previous.startsWith(`agent:${routing.agentId}:`)) routing.sessionKey = previous;
  const split = splitInput(body);
  if (split instanceof Response) return split;
  const fnTools = tools(body);
  if (fnTools instanceof Response) return fnTools;
  const maxTokens = body.max_output_tokens;
  if (maxTokens !== undefined && maxTokens !== null && (!Number.isSafeInteger(maxTokens) || maxTokens <= 0)) return bad("`max_output_tokens` must be a positive integer.");
  const id = `resp_${crypto.randomUUID()}`;
  const msgId = `msg_${crypto.randomUUID()}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const model = String(body.model);
  const stream = body.stream === true;
  const response = (status: string, output: Json[], result?: RunResult, error?: Json): Json => ({
    id,
    object: "response",
    created_at: createdAt,
    status,
    model,
    output,
    usage: usage(result),
    error: error ?? null,
    ...(result ? { output_text: result.text } : {}),
  });
  const messageItem = (text: string, status: string): Json => ({ type: "message", id: msgId, status, role: "assistant", content: [{ type: "output_text", text, annotations: [] }] });
  const outputOf = (result: RunResult): Json[] => {
    const out: Json[] = [];
    if (result.text || result.toolCalls.length === 0) out.push(messageItem(result.text, "completed"));
    for (const c of result.toolCalls) out.push({ type: "function_call", id: `fc_${c.id}`, call_id: c.id, name: c.name, arguments: c.arguments, status: "completed" });
    return out;
  };

  /** The four events every streamed response starts with, failed or not. */
  const opening = (ev: (type: string, data: Json) => void) => {
    ev("response.created", { response: response("in_progress", []) });
    ev("response.in_progress", { response: response("in_progress", []) });
    ev("response.output_item.added", { output_index: 0, item: { ...messageItem("", "in_progress"), content: [] } });
    ev("response.content_part.added", { item_id: msgId, output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
  };

  let run: Run;
  try {
    run = service.runs.start({
      ...conversationRun(routing, split),
      tools: fnTools,
      toolChoice: body.tool_choice,
      maxTokens: maxTokens ?? undefined,
      temperature: typeof body.temperature === "number" ? body.temperature : undefined,
      topP: typeof body.top_p === "number" ? body.top_p : undefined,
    }).run;
  } catch (error) {
    const failure = failureStatus(error);
    const failed = response("failed", [], undefined, { code: failure.type, message: failure.message });
    if (!stream) return jsonResponse(failed, failure.status);
    return sseResponse((send) => {
      let seq = 0;
      const ev = (type: string, data: Json) => send.data({ type, sequence_number: seq++, ...data }, type);
      opening(ev);
      ev("response.failed", { response: failed });
      send.done();
      send.close();
    }, () => {});
  }
  sessionsByResponse.set(id, routing.sessionKey);
  if (sessionsByResponse.size > 1000) sessionsByResponse.delete(sessionsByResponse.keys().next().value!);
  const { abort, detach } = abortOnDisconnect(request, run);

  if (!stream) {
    const result = await run.done;
    detach();
    if (result.status !== "ok") {
      const failure = resultFailure(result.error);
      return jsonResponse(response("failed", [], result, { code: failure.type, message: failure.message }), failure.status);
    }
    return jsonResponse(response("completed", outputOf(result), result));
  }

  return sseResponse((send) => {
    let seq = 0;
    const ev = (type: string, data: Json) => send.data({ type, sequence_number: seq++, ...data }, type);
    opening(ev);
    run.subscribe((event) => {
      if (event.kind === "text") {
        ev("response.output_text.delta", { item_id: msgId, output_index: 0, content_index: 0, delta: event.delta, logprobs: [] });
      } else if (event.kind === "end") {
        detach();
        const result = event.result;
        if (result.status === "ok") {
          ev("response.output_text.done", { item_id: msgId, output_index: 0, content_index: 0, text: result.text, logprobs: [] });
          ev("response.content_part.done", { item_id: msgId, output_index: 0, content_index: 0, part: { type: "output_text", text: result.text, annotations: [] } });
          ev("response.output_item.done", { output_index: 0, item: messageItem(result.text, "completed") });
          result.toolCalls.forEach((c, i) => {
            const item = { type: "function_call", id: `fc_${c.id}`, call_id: c.id, name: c.name, arguments: c.arguments, status: "completed" };
            ev("response.output_item.added", { output_index: i + 1, item: { ...item, arguments: "", status: "in_progress" } });
            ev("response.function_call_arguments.done", { item_id: item.id, output_index: i + 1, arguments: c.arguments });
            ev("response.output_item.done", { output_index: i + 1, item });
          });
          const output = [messageItem(result.text, "completed"), ...outputOf(result).filter((o) => o.type === "function_call")];
          ev(result.finishReason === "length" ? "response.incomplete" : "response.completed", {
            response: { ...response(result.finishReason === "length" ? "incomplete" : "completed", output, result), ...(result.finishReason === "length" ? { incomplete_details: { reason: "max_output_tokens" } } : {}) },
          });
        } else {
          const failure = resultFailure(result.error);
          ev("response.failed", { response: response("failed", [], result, { code: failure.type, message: failure.message }) });
        }
        send.done();
        send.close();
      }
    });
  }, abort);
}

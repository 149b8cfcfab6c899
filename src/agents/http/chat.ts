// POST /v1/chat/completions: an OpenAI chat request run as an ordinary agent run, streamed or not.
import type { ChatMessage, FunctionTool } from "../providers/types.ts";
import type { Run, RunResult } from "../runs.ts";
import type { AgentsService } from "../methods.ts";
import { abortOnDisconnect, conversationRun, failureStatus, openaiError, resultFailure, routeRequest, sseResponse, textOf, type Json } from "./common.ts";
import { jsonResponse } from "../../surface/http.ts";

const bad = (message: string) => openaiError(400, message, "invalid_request_error");

/** Splits OpenAI messages into system text, prior conversation and the new turn. */
export function splitMessages(messages: unknown[]): { system: string[]; context: ChatMessage[]; input: ChatMessage } | Response {
  const system: string[] = [];
  const convo: ChatMessage[] = [];
  for (const raw of messages) {
    if (!raw || typeof raw !== "object") return bad("Each entry of `messages` must be an object.");
    const m = raw as Json;
    if (m.role === "system" || m.role === "developer") system.push(textOf(m.content));
    else if (m.role === "user") convo.push({ role: "user", content: textOf(m.content) });
    else if (m.role === "assistant") {
      const toolCalls = Array.isArray(m.tool_calls)
        ? m.tool_calls.map((c: Json) => ({ id: String(c.id ?? ""), name: String(c.function?.name ?? ""), arguments: String(c.function?.arguments ?? "") }))
        : undefined;
      convo.push({ role: "assistant", content: textOf(m.content), toolCalls });
    } else if (m.role === "tool" || m.role === "function") convo.push({ role: "tool", content: textOf(m.content), toolCallId: String(m.tool_call_id ?? m.name ?? "") });
    else return bad(`Unsupported message role: ${JSON.stringify(m.role)}.`);
  }
  let index = convo.length - 1;
  if (index < 0 || (convo[index]!.role !== "user" && convo[index]!.role !== "tool")) index = convo.map((m) => m.role).lastIndexOf("user");
  if (index < 0) return bad("Missing user message in `messages`.");
  return { system: system.filter(Boolean), context: convo.slice(0, index), input: convo[index]! };
}

/** Validates the sampling and tool fields the reference forwards best-effort. */
export function samplingParams(body: Json): { tools?: FunctionTool[]; toolChoice?: unknown; maxTokens?: number; temperature?: number; topP?: number; stop?: string[] } | Response {
  const out: ReturnType<typeof samplingParams> & object = {};
  const range = (name: string, min: number, max: number) => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || v < min || v > max) throw bad(`\`${name}\` must be a number between ${min} and ${max}.`);
    return v;
  };
  try {
    out.temperature = range("temperature", 0, 2);
    out.topP = range("top_p", 0, 1);
    range("frequency_penalty", -2, 2);
    range("presence_penalty", -2, 2);
    for (const name of ["max_tokens", "max_completion_tokens"]) {
      const v = body[name];
      if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || v <= 0)) throw bad(`\`${name}\` must be a positive integer.`);
    }
    out.maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    if (body.seed !== undefined && body.seed !== null && !Number.isInteger(body.seed)) throw bad("`seed` must be an integer.");
    if (body.stop !== undefined && body.stop !== null) {
      const stops = typeof body.stop === "string" ? [body.stop] : body.stop;
      if (!Array.isArray(stops) || stops.length > 4 || stops.some((s) => typeof s !== "string" || s === "")) throw bad("`stop` must be a string or up to 4 non-empty strings.");
      out.stop = stops;
    }
    if (body.tools !== undefined) {
      if (!Array.isArray(body.tools)) throw bad("`tools` must be an array.");
      out.tools = body.tools.map((t: Json) => {
        if (t?.type !== "function" || typeof t.function?.name !== "string") throw bad("Only function tools with `function.name` are supported.");
        return { name: t.function.name, description: t.function.description, parameters: t.function.parameters };
      });
    }
    if (body.tool_choice !== undefined) {
      const choice = body.tool_choice;
      const named = choice && typeof choice === "object" && choice.type === "function" && typeof choice.function?.name === "string";
      if (!["auto", "none", "required"].includes(choice) && !named) throw bad("Unsupported `tool_choice`.");
      if (named && !out.tools?.some((t) => t.name === choice.function.name)) throw bad("`tool_choice.function.name` does not match a provided tool.");
      out.toolChoice = choice;
    }
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  return out;
}

function usageOf(result: RunResult) {
  return { prompt_tokens: result.usage.input, completion_tokens: result.usage.output, total_tokens: result.usage.total || result.usage.input + result.usage.output };
}

function finishOf(result: RunResult): string {
  return result.toolCalls.length > 0 ? "tool_calls" : result.finishReason;
}

export async function handleChatCompletions(request: Request, body: Json, service: AgentsService): Promise<Response> {
  const cfg = service.runs.config;
  if (!Array.isArray(body.messages)) return bad("Missing `messages` array.");
  const routing = routeRequest(request, body, cfg, "openai");
  if (routing instanceof Response) return routing;
  const split = splitMessages(body.messages);
  if (split instanceof Response) return split;
  const sampling = samplingParams(body);
  if (sampling instanceof Response) return sampling;
  const stream = body.stream === true;
  const includeUsage = body.stream_options?.include_usage === true;
  const id = `chatcmpl_${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model);
  const chunk = (delta: Json, finish: string | null = null) => ({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] });

  let run: Run;
  try {
    run = service.runs.start({
      ...conversationRun(routing, split),
      ...sampling,
    }).run;
  } catch (error) {
    const failure = failureStatus(error);
    if (!stream) return openaiError(failure.status, failure.message, failure.type);
    return sseResponse((send) => {
      send.data(chunk({ role: "assistant" }));
      send.data({ error: { message: failure.message, type: failure.type } });
      send.done();
      send.close();
    }, () => {});
  }
  const { abort, detach } = abortOnDisconnect(request, run);

  if (!stream) {
    const result = await run.done;
    detach();
    if (result.status !== "ok") {
      const failure = resultFailure(result.error);
      return openaiError(failure.status, failure.message, failure.type);
    }
    const message: Json = { role: "assistant", content: result.toolCalls.length && !result.text ? null : result.text };
    if (result.toolCalls.length) message.tool_calls = result.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
    return jsonResponse({ id, object: "chat.completion", created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(result) }], usage: usageOf(result) });
  }

  return sseResponse((send) => {
    send.data(chunk({ role: "assistant", content: "" }));
    const seenTool = new Set<number>();
    run.subscribe((event) => {
      if (event.kind === "text") send.data(chunk({ content: event.delta }));
      else if (event.kind === "tool_call") {
        const first = !seenTool.has(event.index);
        seenTool.add(event.index);
        const call: Json = { index: event.index, function: { arguments: event.arguments ?? "" } };
        if (first) Object.assign(call, { id: event.id ?? `call_${crypto.randomUUID()}`, type: "function" });
        if (event.name) call.function.name = event.name;
        send.data(chunk({ tool_calls: [call] }));
      } else if (event.kind === "end") {
        detach();
        const result = event.result;
        if (result.status === "ok") {
          send.data(chunk({}, finishOf(result)));
          if (includeUsage) send.data({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(result) });
        } else {
          const failure = resultFailure(result.error);
          send.data({ error: { message: failure.message, type: failure.type } });
        }
        send.done();
        send.close();
      }
    });
  }, abort);
}

// A stand-in model provider on 127.0.0.1 speaking the documented wire formats: OpenAI chat-completions
// (`/v1/chat/completions`), OpenAI responses (`/v1/responses`), `/v1/embeddings`, and Anthropic Messages
// (`/v1/messages`), all streaming with SSE framing and usage. The model id picks the behaviour:
//   "<name>"        a normal reply: `echo(<name>): <last user text>`, streamed in small pieces
//   "slow-<name>"   the same, one piece every 150 ms, 60 pieces
//   "cut-<name>"    two pieces, then the connection is dropped mid-stream
//   "flaky-<name>"  the first call answers 429 with `Retry-After: 1`, later ones succeed
//   "fail-<name>"   always 500
//   "tool-<name>"   a tool call `lookup({"q":"…"})` streamed as argument fragments
//   "bulk-<n>x<k>"  a reply of n pieces of k characters each, written back to back without pauses
//   "script-<name>" a model that follows a script registered with `script(name, steps)` (chat-completions
//                   wire): step k answers the k-th model call of a turn (k = assistant messages after the last
//                   user message) with tool calls or a text; past the last step it says "done"
import type { Server } from "bun";

export interface SeenRequest {
  path: string;
  model: string;
  body: any;
  headers: Record<string, string>;
  /** Set when the client went away before the answer was complete. */
  aborted: boolean;
  finished: boolean;
}

export interface StandIn {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Registers the steps of the "script-<name>" model. */
  script(name: string, steps: Scripted[]): void;
  /** Resolves once a request matching `match` exists (and satisfies it). */
  waitFor(match: (r: SeenRequest) => boolean, timeoutMs?: number): Promise<SeenRequest>;
  /** Lets the next held "hold-*" answer finish (each streams its first piece, then waits for its release). */
  release(): void;
  stop(): void;
}

/** One answer of a scripted model: tool calls (arguments as objects) or a text. */
export type ScriptStep = { tools: Array<{ name: string; args: Record<string, unknown> }> } | { text: string };
/** A step, or a step computed from the request (to use what an earlier tool answered). */
export type Scripted = ScriptStep | ((body: any) => ScriptStep);

const encoder = new TextEncoder();

/**
 * Which step a scripted model is at: the assistant turns since the last user message that opened a turn (a
 * user message right after a tool result was steered into a running turn and does not restart the script).
 */
function scriptIndex(body: any): number {
  const messages: any[] = body.messages ?? [];
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m?.role === "user" && messages[i - 1]?.role !== "tool") lastUser = i;
  });
  return messages.slice(lastUser + 1).filter((m) => m?.role === "assistant").length;
}

function scriptEvents(model: string, step: ScriptStep | undefined, turn: number): string[] {
  const base = { id: "chatcmpl-script", object: "chat.completion.chunk", created: 1, model };
  const out = [sse({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })];
  if (step && "tools" in step) {
    step.tools.forEach((call, index) => {
      const args = JSON.stringify(call.args);
      const half = Math.ceil(args.length / 2);
      out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, id: `call_${turn}_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }, finish_reason: null }] }));
      for (const frag of [args.slice(0, half), args.slice(half)]) out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: frag } }] }, finish_reason: null }] }));
    });
    out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }));
  } else {
    out.push(sse({ ...base, choices: [{ index: 0, delta: { content: step?.text ?? "done" }, finish_reason: null }] }));
    out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  }
  out.push(sse({ ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }));
  out.push("data: [DONE]\n\n");
  return out;
}

function lastUserText(body: any): string {
  const messages: any[] = body.messages ?? (Array.isArray(body.input) ? body.input : [{ role: "user", content: body.input }]);
  const user = [...messages].reverse().find((m) => m?.role === "user" || m?.type === "function_call_output");
  if (!user) return "";
  if (user.type === "function_call_output") return `tool said ${user.output}`;
  if (typeof user.content === "string") return user.content;
  return (user.content ?? []).map((p: any) => p.text ?? p.content ?? "").join("");
}

function pieces(text: string): string[] {
  return text.match(/.{1,6}/gs) ?? [];
}

/** n pieces of k characters, cycling through the alphabet so the answer is not one repeated byte. */
export function bulkPieces(n: number, k: number): string[] {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(k));
}

export function startStandIn(): StandIn {
  const requests: SeenRequest[] = [];
  const flakySeen = new Set<string>();
  const scripts = new Map<string, Scripted[]>();
  const waiters = new Set<() => void>();
  // The n-th held answer waits until release() was called n times (order-safe: a release may come first).
  let holds = 0;
  let releases = 0;
  const held = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };

  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = (await request.json().catch(() => ({}))) as any;
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => (headers[k] = v));
      const seen: SeenRequest = { path: url.pathname, model: String(body.model ?? ""), body, headers, aborted: false, finished: false };
      requests.push(seen);
      wake();
      const model = seen.model;
      if (model.startsWith("fail-")) return Response.json({ error: { message: "upstream exploded", type: "server_error" } }, { status: 500 });
      if (model.startsWith("flaky-") && !flakySeen.has(`${url.pathname}:${model}`)) {
        flakySeen.add(`${url.pathname}:${model}`);
        return Response.json({ error: { message: "rate limited", type: "rate_limit_error" } }, { status: 429, headers: { "Retry-After": "1" } });
      }
      if (url.pathname === "/v1/embeddings") {
        const input: string[] = typeof body.input === "string" ? [body.input] : body.input;
        const data = input.map((text, index) => ({ object: "embedding", index, embedding: [text.length, 0.5, -0.25, index] }));
        return Response.json({ object: "list", data, model, usage: { prompt_tokens: input.length * 2, total_tokens: input.length * 2 } });
      }
      if (model.startsWith("script-")) {
        const steps = scripts.get(model.slice(7));
        if (!steps) return Response.json({ error: { message: `no script ${model}`, type: "invalid_request_error" } }, { status: 400 });
        const turn = scriptIndex(body);
        seen.finished = true;
        wake();
        const step = steps[turn];
        return new Response(scriptEvents(model, typeof step === "function" ? step(body) : step, turn).join(""), { headers: { "content-type": "text/event-stream" } });
      }
      const reply = `echo(${model}): ${lastUserText(body)}`;
      const slow = model.startsWith("slow-");
      const bulk = /^bulk-(\d+)x(\d+)/.exec(model);
      const parts = bulk ? bulkPieces(Number(bulk[1]), Number(bulk[2])) : slow ? Array.from({ length: 60 }, (_, i) => `${i} `) : pieces(reply);
      const tool = model.startsWith("tool-");
      const cut = model.startsWith("cut-");
      const holdNo = model.startsWith("hold-") ? ++holds : 0;
      const usage = { input: 7, output: parts.length };
      const events = url.pathname === "/v1/messages" ? anthropicEvents(model, parts, usage, tool) : url.pathname === "/v1/responses" ? responsesEvents(model, parts, usage, tool) : chatEvents(model, parts, usage, tool);
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          let sent = 0;
          for (const event of events) {
            if (seen.aborted) return;
            if (cut && sent === 3) {
              controller.error(new Error("stand-in: stream cut on purpose (cut-* model)"));
              return;
            }
            if (bulk) {
              controller.enqueue(encoder.encode(event));
              sent++;
              continue;
            }
            // A held answer is mid-stream (first text piece out) until the test releases it: a window without a clock.
            if (holdNo && sent === 2) {
              await new Promise<void>((resolve) => {
                const check = () => releases >= holdNo && (held.delete(check), resolve());
                held.add(check);
                check();
              });
            }
            // Split every record in two writes so the gateway's parser has to join chunks.
            const half = Math.ceil(event.length / 2);
            controller.enqueue(encoder.encode(event.slice(0, half)));
            await Bun.sleep(slow ? 150 : 1);
            controller.enqueue(encoder.encode(event.slice(half)));
            sent++;
          }
          seen.finished = true;
          wake();
          controller.close();
        },
        cancel() {
          seen.aborted = true;
          wake();
        },
      });
      request.signal.addEventListener("abort", () => {
        if (!seen.finished) seen.aborted = true;
        wake();
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    requests,
    script: (name, steps) => void scripts.set(name, steps),
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = requests.find(match);
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stand-in: no matching request; saw ${JSON.stringify(requests.map((r) => ({ path: r.path, model: r.model, aborted: r.aborted })))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    release: () => {
      releases++;
      for (const check of [...held]) check();
    },
    stop: () => server.stop(true),
  };
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

function chatEvents(model: string, parts: string[], usage: { input: number; output: number }, tool: boolean): string[] {
  const base = { id: "chatcmpl-standin", object: "chat.completion.chunk", created: 1, model };
  const out = [sse({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })];
  if (tool) {
    out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "" } }] }, finish_reason: null }] }));
    for (const frag of ['{"q":', '"weather"', "}"]) out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: frag } }] }, finish_reason: null }] }));
    out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }));
  } else {
    for (const p of parts) out.push(sse({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] }));
    out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  }
  out.push(sse({ ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }));
  out.push("data: [DONE]\n\n");
  return out;
}

function responsesEvents(model: string, parts: string[], usage: { input: number; output: number }, tool: boolean): string[] {
  const out = [sse({ type: "response.created", response: { id: "resp_standin", status: "in_progress", model } }, "response.created")];
  if (tool) {
    out.push(sse({ type: "response.output_item.added", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "lookup", arguments: "" } }, "response.output_item.added"));
    for (const frag of ['{"q":', '"weather"}']) out.push(sse({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: frag }, "response.function_call_arguments.delta"));
  } else {
    for (const p of parts) out.push(sse({ type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: p }, "response.output_text.delta"));
  }
  const u = { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output };
  out.push(sse({ type: "response.completed", response: { id: "resp_standin", status: "completed", model, usage: u } }, "response.completed"));
  return out;
}

function anthropicEvents(model: string, parts: string[], usage: { input: number; output: number }, tool: boolean): string[] {
  const out = [sse({ type: "message_start", message: { id: "msg_standin", type: "message", role: "assistant", model, content: [], usage: { input_tokens: usage.input, output_tokens: 1 } } }, "message_start")];
  out.push(sse({ type: "ping" }, "ping"));
  if (tool) {
    out.push(sse({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "lookup", input: {} } }, "content_block_start"));
    for (const frag of ['{"q":', '"weather"}']) out.push(sse({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: frag } }, "content_block_delta"));
  } else {
    out.push(sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start"));
    for (const p of parts) out.push(sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: p } }, "content_block_delta"));
  }
  out.push(sse({ type: "content_block_stop", index: 0 }, "content_block_stop"));
  out.push(sse({ type: "message_delta", delta: { stop_reason: tool ? "tool_use" : "end_turn" }, usage: { output_tokens: usage.output } }, "message_delta"));
  out.push(sse({ type: "message_stop" }, "message_stop"));
  return out;
}

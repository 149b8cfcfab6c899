// The OpenAI-compatible HTTP surface of a real gateway, driven by the official `openai` SDK (and raw fetch
// for exact statuses and bodies), against the stand-in provider.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";
import { agentsConfig, readSseBody } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let client: OpenAI;

beforeAll(async () => {
  ({ standIn, gw } = await startAgentsGateway({ config: (standIn) => agentsConfig(standIn, true) }));
  client = new OpenAI({ apiKey: gw.token, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
});
afterAll(stopAgentsGateways);

const json = (response: Response): Promise<any> => response.json();

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.httpUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("openai SDK against /v1", () => {
  test("models.list shows the agent targets; retrieve works for one and refuses others", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["openclaw", "openclaw/default", "openclaw/main", "openclaw/writer", "openclaw/sturdy"]);
    const one = await client.models.retrieve("openclaw/main");
    expect(one).toMatchObject({ id: "openclaw/main", object: "model", owned_by: "openclaw" });
    const error = await client.models.retrieve("nope").catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toEqual({ message: "Invalid model id.", type: "invalid_request_error" });
  });

  test("chat.completions.create without streaming", async () => {
    const reply = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hello" }] });
    expect(reply.object).toBe("chat.completion");
    expect(reply.choices[0]!.message.content).toBe("echo(alpha): hello");
    expect(reply.choices[0]!.finish_reason).toBe("stop");
    expect(reply.usage).toMatchObject({ prompt_tokens: 7 });
  });

  test("streaming: deltas, finish_reason on the last choice chunk, usage with include_usage", async () => {
    for (const model of ["openclaw", "openclaw/writer", "openclaw/sturdy"]) {
      const stream = await client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "stream me" }] });
      let text = "";
      const finishes: Array<string | null> = [];
      let usage: unknown;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          text += choice.delta.content ?? "";
          finishes.push(choice.finish_reason);
        }
      }
      const backend = { openclaw: "alpha", "openclaw/writer": "gamma", "openclaw/sturdy": "beta" }[model];
      expect(text).toBe(`echo(${backend}): stream me`);
      expect(finishes.at(-1)).toBe("stop");
      expect(finishes.slice(0, -1).every((f) => f === null)).toBe(true);
      expect(usage).toMatchObject({ prompt_tokens: 7 });
    }
    // The fallback agent's primary failed first (500, retried once) before the responses provider answered.
    expect(standIn.requests.filter((r) => r.model === "fail-primary").length).toBeGreaterThanOrEqual(2);
    const writer = standIn.requests.find((r) => r.model === "gamma")!;
    // The agent's own prompt, then its workspace's bootstrap files (the reference's Project Context).
    expect(writer.body.system).toStartWith("You write.\n\n# Project Context\n");
    expect(writer.headers["x-api-key"]).toBe("sk-ant");
    expect(standIn.requests.find((r) => r.model === "alpha")!.headers.authorization).toBe("Bearer sk-stand");
  });

  test("tool-call deltas are passed through, streamed and not", async () => {
    const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } }];
    const sdk = new OpenAI({ apiKey: gw.token, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0, defaultHeaders: { "x-openclaw-model": "stand/tool-a" } });
    const stream = await sdk.chat.completions.create({ model: "openclaw", stream: true, tools, messages: [{ role: "user", content: "weather?" }] });
    let args = "";
    let name = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        args += call.function?.arguments ?? "";
        name += call.function?.name ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect({ name, args, finish }).toEqual({ name: "lookup", args: '{"q":"weather"}', finish: "tool_calls" });
    const whole = await sdk.chat.completions.create({ model: "openclaw", tools, messages: [{ role: "user", content: "weather?" }] });
    expect(whole.choices[0]!.finish_reason).toBe("tool_calls");
    expect(whole.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"weather"}' } });
    expect(standIn.requests.findLast((r) => r.model === "tool-a")!.body.tools[0].function.name).toBe("lookup");
  });

  test("embeddings.create returns the stand-in's vectors", async () => {
    const result = await client.embeddings.create({ model: "openclaw/default", input: ["alpha", "be"] });
    expect(result.data.map((d) => d.embedding)).toEqual([
      [5, 0.5, -0.25, 0],
      [2, 0.5, -0.25, 1],
    ]);
    const floats = await client.embeddings.create({ model: "openclaw", input: "abc", encoding_format: "float" });
    expect(floats.data[0]!.embedding).toEqual([3, 0.5, -0.25, 0]);
    expect(standIn.requests.findLast((r) => r.path === "/v1/embeddings")!.model).toBe("text-embed");
  });

  test("responses.create without streaming and streaming", async () => {
    const response = await client.responses.create({ model: "openclaw", input: "hi responses", instructions: "Be brief." });
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("echo(alpha): hi responses");
    expect(response.usage?.input_tokens).toBe(7);
    const system = standIn.requests.findLast((r) => r.model === "alpha")!.body.messages[0];
    expect(system.role).toBe("system");
    // The request's instructions close the system prompt, after the workspace's bootstrap files.
    expect(system.content).toEndWith("\n\nBe brief.");

    const stream = await client.responses.create({ model: "openclaw/writer", input: [{ role: "user", content: "stream it" }], stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe("echo(gamma): stream it");
    expect(types.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.completed");
  });

  test("`user` keeps one session across calls; reserved session keys are refused", async () => {
    await client.chat.completions.create({ model: "openclaw", user: "conv-1", messages: [{ role: "user", content: "first" }] });
    await client.chat.completions.create({ model: "openclaw", user: "conv-1", messages: [{ role: "user", content: "second" }] });
    const last = standIn.requests.findLast((r) => r.model === "alpha")!;
    expect(last.body.messages.filter((m: any) => m.role !== "system").map((m: any) => m.content)).toEqual(["first", "echo(alpha): first", "second"]);
    const refused = await post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "x" }] }, { "x-openclaw-session-key": "cron:job" });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.type).toBe("invalid_request_error");
  });
});

describe("exact statuses and bodies", () => {
  test("wrong or missing bearer → 401 with the reference body", async () => {
    for (const headers of [{ authorization: "Bearer wrong" }, {} as Record<string, string>]) {
      const response = await fetch(`${gw.httpUrl}/v1/models`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('{"error":{"message":"Unauthorized","type":"unauthorized"}}');
    }
    const tools = await fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { authorization: "Bearer nope" }, body: "{}" });
    expect(tools.status).toBe(401);
    expect(await tools.text()).toBe('{"error":{"message":"Unauthorized","type":"unauthorized"}}');
  });

  test("bad requests → 400 in OpenAI's error shape", async () => {
    const cases: Array<[unknown, string]> = [
      ['{"model":"openclaw","messages":[', "Unexpected end of JSON input"],
      [{ model: "openclaw", messages: [{ role: "system", content: "x" }] }, "Missing user message in `messages`."],
      [{ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }, "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`."],
    ];
    for (const [body, message] of cases) {
      const response = await post("/v1/chat/completions", body);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({ error: { message, type: "invalid_request_error" } });
    }
  });

  test("/tools/invoke: sessions_list, session_status, unknown tool, missing name, GET", async () => {
    const list = await post("/tools/invoke", { tool: "sessions_list", args: {} });
    expect(list.status).toBe(200);
    const body = await json(list);
    expect(body.ok).toBe(true);
    expect(body.result.details.count).toBeGreaterThan(0);
    expect(body.result.details).toMatchObject({ hasMore: false, limitApplied: 100 });
    expect(JSON.parse(body.result.content[0].text)).toEqual(body.result.details);
    const status = await post("/tools/invoke", { name: "session_status", args: {}, sessionKey: "main" });
    expect((await json(status)).result.details).toMatchObject({ key: "agent:main:main", exists: false });
    const unknown = await post("/tools/invoke", { tool: "no_such_tool" });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ ok: false, error: { type: "not_found", message: "Tool not available: no_such_tool" } });
    const denied = await post("/tools/invoke", { tool: "exec", args: { cmd: "id" } });
    expect(denied.status).toBe(404);
    const nameless = await post("/tools/invoke", { args: {} });
    expect(nameless.status).toBe(400);
    expect(await json(nameless)).toEqual({ ok: false, error: { type: "invalid_request", message: "tools.invoke requires name" } });
    const huge = await post("/tools/invoke", { tool: "sessions_list", args: { pad: "x".repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const get = await fetch(`${gw.httpUrl}/tools/invoke`, { headers: { authorization: `Bearer ${gw.token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  test("client disconnect mid-stream aborts the upstream request", async () => {
    for (const path of ["/v1/chat/completions", "/v1/responses"]) {
      const model = `slow-${path.slice(4, 8)}`;
      const ctl = new AbortController();
      const body = path === "/v1/responses" ? { model: "openclaw", input: "go", stream: true } : { model: "openclaw", stream: true, messages: [{ role: "user", content: "go" }] };
      const response = await fetch(`${gw.httpUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json", "x-openclaw-model": `stand/${model}` },
        body: JSON.stringify(body),
        signal: ctl.signal,
      });
      expect(response.status).toBe(200);
      let deltas = 0;
      await readSseBody(response, (data) => {
        if (data.includes('"delta"') && data.includes(" ") && ++deltas === 2) ctl.abort();
      }).catch(() => {});
      const seen = await standIn.waitFor((r) => r.model === model && r.aborted);
      expect(seen.finished).toBe(false);
    }
  });
});

test("a model the request names that no provider serves → 400 invalid_request_error, not 401", async () => {
  const chat = await post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "hi" }] }, { "x-openclaw-model": "nowhere/model" });
  expect(chat.status).toBe(400);
  expect((await json(chat)).error).toMatchObject({ type: "invalid_request_error", message: expect.stringContaining("models.providers") });
  const embeddings = await post("/v1/embeddings", { model: "openclaw", input: "hi" }, { "x-openclaw-model": "nowhere/embed" });
  expect(embeddings.status).toBe(400);
  expect((await json(embeddings)).error.type).toBe("invalid_request_error");
});

describe("no provider configured", () => {
  let bare: SpawnedGateway;
  beforeAll(async () => {
    bare = await spawnGateway({ config: { gateway: { http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } } } } });
  });
  const call = (path: string, body: unknown) =>
    fetch(`${bare.httpUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${bare.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("no provider is the server's gap, not the caller's: 503 naming the config key, never 401", async () => {
    const plain = await call("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "hi" }] });
    expect(plain.status).toBe(503);
    const error = (await json(plain)).error;
    expect(error.type).toBe("api_error");
    expect(error.message).toContain("models.providers");
    const streamed = await readSseBody(await call("/v1/chat/completions", { model: "openclaw", stream: true, messages: [{ role: "user", content: "hi" }] }));
    expect(JSON.parse(streamed[0]!.data).choices[0].delta).toEqual({ role: "assistant" });
    expect(JSON.parse(streamed[1]!.data).error).toMatchObject({ type: "api_error", message: expect.stringContaining("models.providers") });
    expect(streamed[2]!.data).toBe("[DONE]");
    const responses = await call("/v1/responses", { model: "openclaw", input: "hi" });
    expect(responses.status).toBe(503);
    expect(await json(responses)).toMatchObject({ object: "response", status: "failed", output: [], error: { code: "api_error" } });
    const embeddings = await call("/v1/embeddings", { model: "openclaw", input: "hi" });
    expect(embeddings.status).toBe(503);
    expect((await json(embeddings)).error).toMatchObject({ type: "api_error", message: expect.stringContaining("models.providers") });
  });

  test("RPC agent → UNAVAILABLE with the same hint, never a made-up reply", async () => {
    const socket = await connectOperator(bare.url, bare.token, ["operator.write"]);
    try {
      const answer = await socket.request("agent", { message: "hi", idempotencyKey: "np-1" });
      expect(answer.ok).toBe(false);
      expect(answer.error!.code).toBe("UNAVAILABLE");
      expect(answer.error!.message).toContain("models.providers");
      expect(socket.frames.some((f) => f.event === "agent" || f.event === "chat")).toBe(false);
    } finally {
      socket.close();
    }
  });

  test("chat.send starts, then fails through chat and agent events (the reference's order and shapes)", async () => {
    const socket = await connectOperator(bare.url, bare.token, ["operator.write"]);
    try {
      const answer = await socket.request("chat.send", { sessionKey: "main", message: "hi", idempotencyKey: "np-2" });
      expect(answer.payload).toEqual({ runId: "np-2", status: "started" });
      const failed = await socket.next((f) => f.event === "chat" && f.payload?.runId === "np-2" && f.payload.state === "error");
      expect(failed.payload).toEqual({ runId: "np-2", sessionKey: "agent:main:main", seq: 1, state: "error", errorMessage: expect.stringContaining("models.providers"), errorKind: "unknown" });
      const end = await socket.next((f) => f.event === "agent" && f.payload?.runId === "np-2" && f.payload.data?.phase === "error");
      expect(end.payload.data.error).toContain("models.providers");
      const lifecycle = socket.frames.filter((f) => f.event === "agent" && f.payload?.runId === "np-2").map((f) => f.payload.data.phase);
      expect(lifecycle).toEqual(["start", "error"]);
      expect(socket.frames.indexOf(answer)).toBeLessThan(socket.frames.indexOf(failed));
      const waited = await socket.request("agent.wait", { runId: "np-2", timeoutMs: 5000 });
      expect(waited.payload).toMatchObject({ runId: "np-2", status: "error", error: expect.stringContaining("models.providers") });
    } finally {
      socket.close();
    }
  });
});

// The agents surface's HTTP routes: /v1/* (off unless enabled: 404 exactly like an unknown path) and
// /tools/invoke (always on). Every route needs the gateway bearer.
import { embeddingTarget, endpointEnabled } from "../config.ts";
import type { AgentsService } from "../methods.ts";
import { defaults } from "../methods-shared.ts";
import { sessionRow } from "../present.ts";
import { canonicalKey } from "../keys.ts";
import { embed, encodeBase64Floats } from "../providers/openai.ts";
import { handleChatCompletions } from "./chat.ts";
import { agentFromModel, checkBearer, failureStatus, INVALID_MODEL, MAX_TOOLS_BODY_BYTES, modelIds, openaiError, readJsonBody, type Json } from "./common.ts";
import { handleResponses } from "./responses.ts";
import { jsonResponse, methodNotAllowed, type HttpRoute } from "../../surface/http.ts";
import type { SurfaceContext } from "../../surface/types.ts";

/**
 * Tools HTTP refuses unless `gateway.tools.allow` lifts them: the reference's default deny list (2026.9.6), plus
 * `cron`. Like the reference's, it leaves `write`/`edit` to the bearer of the gateway secret, an operator already.
 */
const HTTP_DENY = [
  "exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch", "terminal", "portal", "sessions_spawn", "sessions_send",
  "conversations_list", "conversations_send", "conversations_turn", "automations", "cron", "gateway", "plugins", "nodes", "computer", "mobile_ui", "openclaw",
];

/** The HTTP deny list: the default, minus `gateway.tools.allow`, plus `gateway.tools.deny`. */
function httpDenied(config: Record<string, any>, name: string): boolean {
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
  const allow = list(config.gateway?.tools?.allow);
  const deny = list(config.gateway?.tools?.deny);
  return deny.includes(name) || (HTTP_DENY.includes(name) && !allow.includes(name));
}

export function agentsHttp(ctx: SurfaceContext, service: AgentsService): HttpRoute {
  return (request, url, remoteAddress) => {
    const path = url.pathname;
    if (path === "/tools/invoke") return toolsInvoke(ctx, service, request, remoteAddress);
    if (!path.startsWith("/v1/")) return undefined;
    const snapshot = ctx.core.config();
    const chat = endpointEnabled(snapshot, "chatCompletions");
    const responses = endpointEnabled(snapshot, "responses");
    const guarded = (method: string, handler: () => Promise<Response> | Response) => async () => {
      if (request.method !== method && !(method === "GET" && request.method === "HEAD")) return methodNotAllowed(method);
      return (await checkBearer(ctx, request, remoteAddress)) ?? handler();
    };
    const withBody = (handler: (body: Json) => Promise<Response> | Response) => async () => {
      const parsed = await readJsonBody(request);
      return "response" in parsed ? parsed.response : handler(parsed.body);
    };
    let run: (() => Promise<Response>) | undefined;
    if (path === "/v1/chat/completions" && chat) run = guarded("POST", withBody((body) => handleChatCompletions(request, body, service)));
    else if (path === "/v1/responses" && responses) run = guarded("POST", withBody((body) => handleResponses(request, body, service)));
    else if (path === "/v1/models" && (chat || responses)) run = guarded("GET", () => listModels(service));
    else if (path.startsWith("/v1/models/") && (chat || responses)) run = guarded("GET", () => getModel(service, path.slice("/v1/models/".length)));
    else if (path === "/v1/embeddings" && (chat || responses)) run = guarded("POST", withBody((body) => embeddings(request, body, service, ctx)));
    return run?.();
  };
}

function modelObject(id: string): Json {
  return { id, object: "model", created: 0, owned_by: "openclaw", permission: [] };
}

function listModels(service: AgentsService): Response {
  return jsonResponse({ object: "list", data: modelIds(service.runs.config).map(modelObject) });
}

function getModel(service: AgentsService, encoded: string): Response {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    return openaiError(400, "Invalid model id.", "invalid_request_error");
  }
  const cfg = service.runs.config;
  if (!agentFromModel(id, cfg)) return openaiError(400, "Invalid model id.", "invalid_request_error");
  return jsonResponse(modelObject(id));
}

async function embeddings(request: Request, body: Json, service: AgentsService, ctx: SurfaceContext): Promise<Response> {
  const cfg = service.runs.config;
  if (!agentFromModel(body.model, cfg)) return openaiError(400, INVALID_MODEL, "invalid_request_error");
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || input.length === 0 || input.some((s) => typeof s !== "string")) {
    return openaiError(400, "`input` must be a string or an array of strings.", "invalid_request_error");
  }
  const dimensions = body.dimensions;
  if (dimensions !== undefined && (!Number.isSafeInteger(dimensions) || dimensions <= 0)) return openaiError(400, "`dimensions` must be a positive integer.", "invalid_request_error");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") return openaiError(400, "`encoding_format` must be `float` or `base64`.", "invalid_request_error");
  try {
    const target = embeddingTarget(cfg, request.headers.get("x-openclaw-model")?.trim() || undefined);
    const { vectors, promptTokens } = await embed(target, input as string[], dimensions, { signal: request.signal, secret: ctx.secret });
    return jsonResponse({
      object: "list",
      data: vectors.map((v, index) => ({ object: "embedding", index, embedding: format === "base64" ? encodeBase64Floats(v) : v })),
      model: String(body.model),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  } catch (error) {
    const failure = failureStatus(error);
    if (failure.status >= 500) ctx.logger.warn(`embeddings failed: ${(error as Error)?.message ?? String(error)}`);
    return openaiError(failure.status, failure.message, failure.type);
  }
}

async function toolsInvoke(ctx: SurfaceContext, service: AgentsService, request: Request, remoteAddress: string): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const denied = await checkBearer(ctx, request, remoteAddress);
  if (denied) return denied;
  const parsed = await readJsonBody(request, MAX_TOOLS_BODY_BYTES);
  if ("response" in parsed) return parsed.response;
  const body = parsed.body;
  const name = typeof body.name === "string" && body.name ? body.name : typeof body.tool === "string" && body.tool ? body.tool : undefined;
  const fail = (status: number, type: string, message: string) => jsonResponse({ ok: false, error: { type, message } }, status);
  if (!name) return fail(400, "invalid_request", "tools.invoke requires name");
  const args: Json = body.args && typeof body.args === "object" && !Array.isArray(body.args) ? { ...body.args } : {};
  if (typeof body.action === "string" && args.action === undefined) args.action = body.action;
  if (httpDenied(ctx.core.config().config as Record<string, any>, name)) return fail(404, "not_found", `Tool not available: ${name}`);
  const cfg = service.runs.config;
  const agentId = typeof body.agentId === "string" && body.agentId ? body.agentId.toLowerCase() : cfg.defaultAgentId;
  if (!cfg.agents[agentId]) return fail(400, "invalid_request", `unknown agent id "${agentId}"`);
  const rawKey = typeof body.sessionKey === "string" && body.sessionKey ? body.sessionKey : undefined;
  const target = canonicalKey(rawKey, agentId);
  if (rawKey && body.agentId && rawKey.startsWith("agent:") && target.agentId !== agentId) {
    return fail(400, "invalid_request", `sessionKey ${target.key} belongs to agent "${target.agentId}", not "${agentId}"`);
  }
  try {
    const store = service.store();
    let details: Json;
    if (name === "sessions_list") {
      const limit = Number.isInteger(args.limit) && args.limit > 0 ? Math.min(args.limit, 100) : 100;
      const { rows, total } = store.list({ limit, agentId: typeof args.agentId === "string" ? args.agentId : undefined });
      const active = service.runs.activeBySession();
      const sessions = rows.map((row) => sessionRow(row, active.get(row.key) ?? []));
      details = { count: sessions.length, sessions, hasMore: total > sessions.length, limitApplied: limit };
    } else if (name === "session_status") {
      const key = typeof args.sessionKey === "string" && args.sessionKey ? canonicalKey(args.sessionKey, agentId).key : target.key;
      const row = store.get(key);
      const active = service.runs.active(key);
      details = row
        ? { ...sessionRow(row, active), exists: true, usage: { input: row.inputTokens, output: row.outputTokens, total: row.totalTokens }, defaults: defaults(service.runs) }
        : { key, agentId: canonicalKey(key).agentId, exists: false, hasActiveRun: active.length > 0, activeRunIds: active, defaults: defaults(service.runs) };
    } else if (service.tools.available(agentId, name)) {
      // The agent's workspace tools, under the same tool policy as its runs. Exec approvals are an operator
      // guardrail for model-driven calls; a bearer caller here is that operator (reference behaviour).
      const tools = service.tools;
      const result = await tools.invoke(name, args, {
        workspace: tools.workspace(agentId, cfg.agents[agentId]!.workspace),
        agentId,
        sessionKey: target.key,
        signal: request.signal,
        trustedOperator: true,
      });
      if (result.isError) return fail(400, "tool_error", result.text);
      return jsonResponse({ ok: true, result: { content: [{ type: "text", text: result.text }], details: result.details ?? {} } });
    } else {
      return fail(404, "not_found", `Tool not available: ${name}`);
    }
    return jsonResponse({ ok: true, result: { content: [{ type: "text", text: JSON.stringify(details, null, 2) }], details } });
  } catch (error) {
    ctx.logger.warn(`tools.invoke ${name} failed: ${(error as Error)?.message ?? String(error)}`);
    return fail(500, "tool_error", "tool execution failed");
  }
}

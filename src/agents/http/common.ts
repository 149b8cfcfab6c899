// Shared pieces of the OpenAI-compatible HTTP surface: bearer auth, JSON bodies, agent targets, session
// routing headers, error bodies in OpenAI's shape, and SSE responses.
import { AgentConfigError, type AgentsConfig } from "../config.ts";
import { canonicalKey, isReservedKey } from "../keys.ts";
import { ProviderError, type ChatMessage } from "../providers/types.ts";
import type { Run, RunRequest } from "../runs.ts";
import type { SurfaceContext } from "../../surface/types.ts";
import { authenticateBearer, retryAfterSeconds } from "../../surface/auth.ts";
import { sleep } from "../../platform/sleep.ts";
import { jsonResponse, parseJsonText, readBodyText, SECURITY_HEADERS } from "../../surface/http.ts";

export type Json = Record<string, any>;

/** `{"error":{"message","type"}}` with a status. */
export function openaiError(status: number, message: string, type: string, headers: Record<string, string> = {}): Response {
  return jsonResponse({ error: { message, type } }, status, headers);
}

/**
 * Bearer check with the gateway secret; undefined when the caller may proceed. A wrong token feeds the shared
 * limiter and its 401 is held back like a failed WS connect; a locked-out address gets 429 with Retry-After.
 */
export async function checkBearer(ctx: SurfaceContext, request: Request, remoteAddress: string): Promise<Response | undefined> {
  const outcome = authenticateBearer(ctx.auth(), request.headers.get("authorization"), remoteAddress, ctx.core.throttle);
  if (outcome.ok) return undefined;
  if (outcome.status === 429) {
    return openaiError(429, "Too many failed authentication attempts. Please try again later.", "rate_limited", { "Retry-After": retryAfterSeconds(outcome.retryAfterMs) });
  }
  if (outcome.delayMs) await sleep(outcome.delayMs);
  return openaiError(401, "Unauthorized", "unauthorized");
}

/** Request body caps of the reference: 20 MB for the /v1 endpoints, 2 MB for /tools/invoke. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
export const MAX_TOOLS_BODY_BYTES = 2 * 1024 * 1024;

/** Parses a JSON object body; a malformed one answers 400 with the parser's message (V8 wording where known). */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<{ body: Json } | { response: Response }> {
  const read = await readBodyText(request, maxBytes);
  if (!read.ok) {
    const message = read.status === 413 ? `Request body exceeds ${maxBytes} bytes.` : read.error;
    return { response: openaiError(read.status, message, "invalid_request_error") };
  }
  const parsed = parseJsonText(read.text);
  if (!parsed.ok) return { response: openaiError(400, parsed.error, "invalid_request_error") };
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { response: openaiError(400, "Request body must be a JSON object.", "invalid_request_error") };
  }
  return { body: value as Json };
}

export const INVALID_MODEL = "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.";

/** The agent a `model` value targets (`openclaw`, `openclaw/default`, `openclaw/<id>`, `openclaw:<id>`, `agent:<id>`). */
export function agentFromModel(model: unknown, cfg: AgentsConfig): string | undefined {
  if (typeof model !== "string") return undefined;
  const value = model.trim();
  if (value === "openclaw" || value === "openclaw/default") return cfg.defaultAgentId;
  const match = /^(?:openclaw[/:]|agent:)([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(value);
  if (!match) return undefined;
  const id = match[1]!.toLowerCase();
  return cfg.agents[id] ? id : undefined;
}

/** The `/v1/models` ids: the default targets plus one per configured agent. */
export function modelIds(cfg: AgentsConfig): string[] {
  return ["openclaw", "openclaw/default", ...Object.keys(cfg.agents).map((id) => `openclaw/${id}`)];
}

export interface Routing {
  agentId: string;
  sessionKey: string;
  channel: string;
  modelOverride?: string;
}

/**
 * Agent and session for one request: `x-openclaw-agent-id` overrides the model's agent; the session is the
 * `x-openclaw-session-key` header, else stable per `user`, else a fresh one per request.
 */
export function routeRequest(request: Request, body: Json, cfg: AgentsConfig, prefix: string): Routing | Response {
  let agentId = agentFromModel(body.model, cfg);
  if (!agentId) return openaiError(400, INVALID_MODEL, "invalid_request_error");
  const headerAgent = request.headers.get("x-openclaw-agent-id")?.trim().toLowerCase();
  if (headerAgent) {
    if (!cfg.agents[headerAgent]) return openaiError(400, `Unknown agent id "${headerAgent}" in x-openclaw-agent-id (define it under agents.entries).`, "invalid_request_error");
    agentId = headerAgent;
  }
  const channel = request.headers.get("x-openclaw-message-channel")?.trim() || prefix;
  const modelOverride = request.headers.get("x-openclaw-model")?.trim() || undefined;
  const explicit = request.headers.get("x-openclaw-session-key")?.trim();
  if (explicit) {
    if (isReservedKey(explicit)) return openaiError(400, "Invalid `x-openclaw-session-key`: the subagent:, cron: and acp: namespaces are reserved.", "invalid_request_error");
    const parsed = canonicalKey(explicit, agentId);
    return { agentId: parsed.agentId, sessionKey: parsed.key, channel, modelOverride };
  }
  if (typeof body.user === "string" && body.user.trim()) {
    const user = body.user.trim().replace(/[^\w.:@-]/g, "_").slice(0, 128);
    return { agentId, sessionKey: `agent:${agentId}:${prefix}-user:${user}`, channel, modelOverride };
  }
  return { agentId, sessionKey: `agent:${agentId}:${prefix}:${crypto.randomUUID()}`, channel, modelOverride };
}

/** HTTP status and OpenAI error type for a failure to start or finish a run. */
export function failureStatus(error: unknown): { status: number; type: string; message: string } {
  if (error instanceof AgentConfigError) {
    // A gateway without a provider or model is not configured, which is no fault of the caller's credentials:
    // 503 naming the key to set; 400 only when the request itself named the agent or model.
    if (error.kind === "unknown-agent" || error.kind === "unknown-model") return { status: 400, type: "invalid_request_error", message: error.message };
    return { status: 503, type: "api_error", message: error.message };
  }
  if (error instanceof ProviderError) {
    if (error.kind === "config") return { status: 503, type: "api_error", message: error.message };
    if (error.kind === "timeout") return { status: 504, type: "api_error", message: error.message };
    if (error.status === 401 || error.status === 403) return { status: 502, type: "authentication_error", message: error.message };
    return { status: 502, type: "api_error", message: error.message };
  }
  return { status: 500, type: "api_error", message: "internal error" };
}

/** A run's failure (from its result) in the same shape. */
export function resultFailure(error: { message: string; kind: string; status?: number } | undefined): { status: number; type: string; message: string } {
  return failureStatus(new ProviderError(error?.message ?? "run failed", (error?.kind ?? "protocol") as ProviderError["kind"], { status: error?.status }));
}

/** Plain text of an OpenAI content value (string or parts); non-text parts are skipped. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part && typeof part === "object" && typeof (part as Json).text === "string" ? (part as Json).text : ""))
    .filter(Boolean)
    .join("\n");
}

/** An SSE response; `write` sends one `data:` (and optional `event:`) record; `onCancel` fires on disconnect. */
export function sseResponse(
  produce: (send: { data(value: unknown, event?: string): void; done(): void; close(): void }) => void | Promise<void>,
  onCancel: () => void,
): Response {
  const encoder = new TextEncoder();
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          closed = true;
        }
      };
      const send = {
        data: (value: unknown, event?: string) => write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(value)}\n\n`),
        done: () => write("data: [DONE]\n\n"),
        close: () => {
          if (closed) return;
          closed = true;
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        },
      };
      void Promise.resolve(produce(send)).catch(() => send.close());
    },
    cancel() {
      closed = true;
      onCancel();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" },
  });
}

/** A request split into system text, earlier turns and the new user message. */
export interface SplitConversation {
  system: string[];
  context: ChatMessage[];
  input: ChatMessage;
}

/** The run request both /v1 endpoints start from: routing plus the split conversation. */
export function conversationRun(routing: Routing, split: SplitConversation): RunRequest {
  return {
    runId: crypto.randomUUID(),
    agentId: routing.agentId,
    sessionKey: routing.sessionKey,
    input: split.input,
    context: split.context.length > 0 ? split.context : undefined,
    channel: routing.channel,
    modelOverride: routing.modelOverride,
    extraSystem: split.system.join("\n\n") || undefined,
  };
}

/**
 * A client that goes away aborts its run, and with it the upstream provider request. `abort` doubles as the
 * SSE stream's cancel callback; `detach` stops listening once the run has finished on its own.
 */
export function abortOnDisconnect(request: Request, run: Run): { abort: () => void; detach: () => void } {
  const abort = () => run.abort("client disconnected");
  request.signal.addEventListener("abort", abort, { once: true });
  return { abort, detach: () => request.signal.removeEventListener("abort", abort) };
}

// RPC methods of the agents surface: agent (two-phase), agent.wait, chat.*, sessions.*, agents.list, models.list.
import { z } from "zod";
import { listModels } from "./config.ts";
import { chatHistory } from "./history.ts";
import { defaults, gatewayError, openStore, type AgentsService, type DeliveryStatus, type DeliveryTarget } from "./methods-shared.ts";
import { visibleHistory } from "./heartbeat-ack.ts";
import { canonicalKey } from "./keys.ts";
import { sessionRow } from "./present.ts";
import { agentsRoster } from "./roster.ts";
import type { RunManager, RunResult } from "./runs.ts";
import { parseParams } from "../methods/_params.ts";
import type { MethodContext, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";

/**
 * Two-phase methods send the `accepted` ack as an extra `res` before their final one. The connection offers
 * `interim` for that (see the surface's notes); without it the ack is the only response and the outcome is
 * read with `agent.wait`.
 */
type TwoPhaseContext = MethodContext & { interim?: (payload: unknown) => void };

const AgentParams = z
  .object({
    message: z.string(),
    agentId: z.string().min(1).optional(),
    sessionKey: z.string().min(1).optional(),
    idempotencyKey: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    extraSystemPrompt: z.string().optional(),
    channel: z.string().optional(),
    timeout: z.number().int().min(0).optional(),
    to: z.string().optional(),
    deliver: z.boolean().optional(),
    replyTo: z.string().optional(),
    accountId: z.string().optional(),
    threadId: z.string().optional(),
  })
  .loose();
const WaitParams = z.object({ runId: z.string().min(1), timeoutMs: z.number().int().min(0).optional() }).strict();
const ChatSendParams = z
  .object({
    sessionKey: z.string().min(1),
    message: z.string(),
    idempotencyKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(0).optional(),
    queueMode: z.enum(["steer", "followup", "collect", "interrupt"]).optional(),
  })
  .loose();
const HistoryParams = z.object({ sessionKey: z.string().min(1), limit: z.number().int().min(1).max(1000).optional() }).loose();
const AbortParams = z.object({ sessionKey: z.string().min(1), runId: z.string().min(1).optional() }).strict();
/** Rows one `sessions.list` answers at most; the reference has no cap and its browser UI asks for 10,000. */
export const SESSIONS_LIST_MAX = 10_000;
const ListParams = z
  .object({
    limit: z.number().int().min(1).optional(),
    offset: z.number().int().min(0).optional(),
    agentId: z.string().optional(),
    search: z.string().optional(),
    activeMinutes: z.number().positive().optional(),
  })
  .loose();
const PreviewParams = z
  .object({ keys: z.array(z.string().min(1)).min(1).max(64), limit: z.number().int().min(1).max(50).optional(), maxChars: z.number().int().min(20).max(4000).optional() })
  .loose();
const ResetParams = z.object({ key: z.string().min(1), reason: z.string().optional(), expectedSessionId: z.string().optional() }).strict();
const AgentsListParams = z.object({}).strict();
const DeleteParams = z.object({ key: z.string().min(1), deleteTranscript: z.boolean().optional(), expectedSessionId: z.string().optional() }).strict();

function agentFinal(result: RunResult): Record<string, unknown> {
  if (result.status !== "ok") {
    const summary = result.error?.message ?? result.status;
    throw new GatewayError("UNAVAILABLE", summary, { details: { runId: result.runId, status: result.status === "aborted" ? "aborted" : "error", summary } });
  }
  return {
    runId: result.runId,
    status: "ok",
    summary: "completed",
    result: {
      payloads: result.text ? [{ text: result.text, mediaUrl: null }] : [],
      // The reference's meta, as far as this gateway knows it (its runtime diagnostics have no equivalent here).
      meta: {
        durationMs: result.endedAt - (result.startedAt ?? result.endedAt),
        agentMeta: { sessionKey: result.sessionKey, sessionId: result.sessionId, provider: result.provider, model: result.model, usage: result.usage },
        aborted: false,
        finalAssistantVisibleText: result.text,
        finalAssistantRawText: result.text,
        stopReason: result.finishReason,
        completion: { stopReason: result.finishReason, finishReason: result.finishReason },
      },
    },
  };
}

function waitPayload(result: RunResult): Record<string, unknown> {
  const out: Record<string, unknown> = { runId: result.runId, status: result.status === "ok" ? "ok" : "error", startedAt: result.startedAt, endedAt: result.endedAt };
  if (result.error) out.error = result.error.message;
  return out;
}

export function agentsMethods(service: AgentsService): MethodFamily {
  const { runs } = service;
  const key = (raw: string) => canonicalKey(raw, runs.config.defaultAgentId);

  return {
    agent: async (params, ctx: TwoPhaseContext) => {
      const p = parseParams("agent", AgentParams, params);
      const explicit = p.agentId?.toLowerCase();
      if (p.to !== undefined && !p.to.trim()) throw new GatewayError("INVALID_REQUEST", "invalid agent params: to must not be blank");
      const target: DeliveryTarget | undefined = p.to ? { channel: p.channel, to: p.to.trim(), accountId: p.accountId, replyTo: p.replyTo, threadId: p.threadId } : undefined;
      if (p.deliver && !target) throw new GatewayError("INVALID_REQUEST", "invalid agent params: deliver needs to (the chat to deliver to)");
      if (target && !service.delivery) throw new GatewayError("INVALID_REQUEST", "no channel is configured to reach the target (channels.*)");
      // `to` picks the session a conversation with that chat uses, as an inbound message from it would.
      const routed = target && !p.sessionKey ? await service.delivery!.sessionKey(explicit ?? runs.config.defaultAgentId, target) : p.sessionKey;
      const parsed = canonicalKey(routed, explicit ?? runs.config.defaultAgentId);
      if (explicit && p.sessionKey?.startsWith("agent:") && parsed.agentId !== explicit) {
        throw new GatewayError("INVALID_REQUEST", `sessionKey ${parsed.key} belongs to agent "${parsed.agentId}", not "${explicit}"`);
      }
      let started;
      try {
        started = runs.start({
          runId: p.idempotencyKey ?? crypto.randomUUID(),
          agentId: parsed.agentId,
          sessionKey: parsed.key,
          input: { role: "user", content: p.message },
          channel: p.channel,
          modelOverride: p.model,
          extraSystem: p.extraSystemPrompt,
          timeoutMs: p.timeout ? p.timeout * 1000 : undefined,
        });
      } catch (error) {
        throw gatewayError(error);
      }
      const { run } = started;
      const delivery =
        p.deliver && target && !started.existing
          ? run.done.then((r): Promise<DeliveryStatus> | DeliveryStatus => (r.status === "ok" && r.text.trim() ? service.delivery!.deliver(target, r.text) : { requested: true, attempted: false, status: "suppressed", succeeded: false, resultCount: 0 }))
          : undefined;
      const final = async (result: RunResult) => {
        const out = agentFinal(result);
        if (delivery) (out.result as Record<string, unknown>).deliveryStatus = await delivery;
        return out;
      };
      if (run.result) return final(run.result);
      const accepted = { runId: run.runId, status: "accepted", acceptedAt: run.acceptedAt };
      if (!ctx.interim) return accepted;
      ctx.interim(accepted);
      return final(await run.done);
    },

    "agent.wait": async (params) => {
      const p = parseParams("agent.wait", WaitParams, params);
      const run = runs.get(p.runId);
      if (!run) throw new GatewayError("INVALID_REQUEST", `unknown runId: ${p.runId}`);
      if (run.result) return waitPayload(run.result);
      const timeoutMs = p.timeoutMs ?? 30_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      const result = await Promise.race([run.done, timeout]);
      clearTimeout(timer);
      return result ? waitPayload(result) : { runId: run.runId, status: "timeout" };
    },

    "chat.send": (params) => {
      const p = parseParams("chat.send", ChatSendParams, params);
      const parsed = key(p.sessionKey);
      try {
        const runId = p.idempotencyKey ?? crypto.randomUUID();
        const { run, existing, interrupted } = runs.start({
          runId,
          agentId: parsed.agentId,
          sessionKey: parsed.key,
          input: { role: "user", content: p.message },
          channel: "webchat",
          timeoutMs: p.timeoutMs,
          queueMode: p.queueMode,
        }, { deferConfigErrors: true });
        // A steered or collected message answers with its own run id, as the reference acks it.
        const out: Record<string, unknown> = { runId, status: existing ? (run.result ? run.result.status : "in_flight") : "started" };
        if (interrupted) out.interruptedActiveRun = true;
        return out;
      } catch (error) {
        throw gatewayError(error);
      }
    },

    "chat.history": (params) => {
      const p = parseParams("chat.history", HistoryParams, params);
      return chatHistory(service, p.sessionKey, p.limit ?? 200);
    },

    "chat.abort": (params) => {
      const p = parseParams("chat.abort", AbortParams, params);
      const runIds = runs.abortSession(key(p.sessionKey).key, p.runId);
      return { ok: true, aborted: runIds.length > 0, runIds };
    },

    "sessions.list": (params) => {
      const p = parseParams("sessions.list", ListParams, params);
      const store = openStore(service);
      // A larger limit is clamped, not refused (the reference accepts any positive limit); limitApplied says so.
      const limit = Math.min(p.limit ?? 100, SESSIONS_LIST_MAX);
      const offset = p.offset ?? 0;
      const now = Date.now();
      const { rows, total } = store.list({
        agentId: p.agentId?.toLowerCase(),
        search: p.search,
        limit,
        offset,
        activeSinceMs: p.activeMinutes ? now - p.activeMinutes * 60_000 : undefined,
      });
      const active = runs.activeBySession();
      const sessions = rows.map((row) => sessionRow(row, active.get(row.key) ?? [], now));
      const hasMore = offset + rows.length < total;
      return {
        ts: now,
        path: store.path,
        count: sessions.length,
        totalCount: total,
        limitApplied: limit,
        nextOffset: hasMore ? offset + rows.length : null,
        hasMore,
        owners: [],
        defaults: defaults(runs),
        sessions,
      };
    },

    "sessions.preview": (params) => {
      const p = parseParams("sessions.preview", PreviewParams, params);
      const store = openStore(service);
      const maxChars = p.maxChars ?? 240;
      const previews = p.keys.map((raw) => {
        const k = key(raw).key;
        if (!store.get(k)) return { key: raw, status: "missing", items: [] };
        const items = visibleHistory(store.history(k, p.limit ?? 12))
          .filter((m) => m.content)
          .map((m) => ({ role: m.role, text: m.content.length > maxChars ? `${m.content.slice(0, maxChars - 1)}…` : m.content }));
        return { key: raw, status: items.length ? "ok" : "empty", items };
      });
      return { ts: Date.now(), previews };
    },

    "sessions.reset": (params) => {
      const p = parseParams("sessions.reset", ResetParams, params);
      const parsed = key(p.key);
      const store = openStore(service);
      const current = store.get(parsed.key);
      if (p.expectedSessionId && current && current.sessionId !== p.expectedSessionId) {
        throw new GatewayError("INVALID_REQUEST", `session ${parsed.key} changed (current sessionId ${current.sessionId})`, { details: { reason: "session-changed" } });
      }
      runs.abortSession(parsed.key);
      store.ensure(parsed.key, parsed.agentId);
      const row = store.reset(parsed.key)!;
      runs.sessionsChanged(parsed.key, "reset");
      return { ok: true, key: parsed.key, entry: sessionRow(row, []) };
    },

    "sessions.delete": (params) => {
      const p = parseParams("sessions.delete", DeleteParams, params);
      const parsed = key(p.key);
      if (parsed.rest === "main") throw new GatewayError("INVALID_REQUEST", `Cannot delete the main session (${parsed.key}); use sessions.reset`);
      const store = openStore(service);
      const row = store.get(parsed.key);
      if (p.expectedSessionId && row && row.sessionId !== p.expectedSessionId) {
        throw new GatewayError("INVALID_REQUEST", `session ${parsed.key} changed (current sessionId ${row.sessionId})`, { details: { reason: "session-changed" } });
      }
      runs.abortSession(parsed.key);
      const deleted = store.delete(parsed.key);
      if (deleted) runs.sessionsChanged(parsed.key, "delete", row?.sessionId);
      // `archived` lists transcript files moved aside (reference shape); transcripts live in SQLite here, so none.
      return { ok: true, key: parsed.key, deleted, archived: [] };
    },

    "agents.list": (params) => {
      parseParams("agents.list", AgentsListParams, params ?? {});
      const session = (runs.snapshot().config as { session?: { scope?: unknown } }).session;
      return agentsRoster(runs.config, session?.scope);
    },

    "models.list": () => {
      const models = listModels(runs.config).map((m) => ({
        id: m.id,
        name: m.name,
        provider: m.provider,
        api: m.api,
        contextWindow: m.contextWindow,
        maxTokens: m.maxTokens,
        input: ["text"],
        reasoning: false,
      }));
      return { models };
    },
  };
}

export type { AgentsService, ChannelDelivery, DeliveryStatus, DeliveryTarget, RoutedTarget } from "./methods-shared.ts";

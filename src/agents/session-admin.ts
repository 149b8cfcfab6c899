// sessions.create|send|abort|patch|compact|fork as the reference defines them for a gateway whose
// transcripts are linear: create (optionally with a first message), send into an existing session, abort
// its run, patch its label/model/queue mode, compact it to its newest messages, fork it at a user message.
import { z } from "zod";
import { compactSession } from "./compaction.ts";
import { modelChain } from "./config.ts";
import { canonicalKey } from "./keys.ts";
import { gatewayError, openStore, type AgentsService } from "./methods-shared.ts";
import { sessionRow } from "./present.ts";
import { QUEUE_MODES } from "./queue.ts";
import { parseParams } from "../methods/_params.ts";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";

const CreateParams = z
  .object({
    key: z.string().min(1).optional(),
    idempotencyKey: z.string().min(1).optional(),
    agentId: z.string().min(1).optional(),
    label: z.string().min(1).max(512).optional(),
    model: z.string().min(1).optional(),
    message: z.string().optional(),
    task: z.string().optional(),
    timeoutMs: z.number().int().min(0).optional(),
  })
  .loose();
const SendParams = z
  .object({ key: z.string().min(1), agentId: z.string().min(1).optional(), message: z.string(), timeoutMs: z.number().int().min(0).optional(), idempotencyKey: z.string().min(1).optional() })
  .loose();
const AbortParams = z.object({ key: z.string().min(1).optional(), runId: z.string().min(1).optional(), agentId: z.string().min(1).optional(), clearQueued: z.boolean().optional() }).strict();
const PatchParams = z
  .object({
    key: z.string().min(1),
    agentId: z.string().min(1).optional(),
    expectedSessionId: z.string().min(1).optional(),
    label: z.string().min(1).max(512).nullable().optional(),
    model: z.string().min(1).nullable().optional(),
    // Ours: the reference sets this per session with its /queue command.
    queueMode: z.enum(QUEUE_MODES).nullable().optional(),
  })
  .loose();
const CompactParams = z.object({ key: z.string().min(1), agentId: z.string().min(1).optional(), maxLines: z.number().int().min(1).optional() }).strict();
const ForkParams = z.object({ sessionKey: z.string().min(1), agentId: z.string().min(1).optional(), entryId: z.string().min(1) }).strict();

export function sessionAdminMethods(service: AgentsService): MethodFamily {
  const summarize = async (key: string, agentId: string, modelOverride: string | null | undefined) => {
    const { runs } = service;
    let outcome;
    try {
      outcome = await compactSession({ store: openStore(service), sessionKey: key, agentId, config: runs.config, modelOverride });
    } catch (error) {
      throw gatewayError(error);
    }
    if (outcome.compacted) runs.sessionsChanged(key, "compact");
    return { ok: outcome.ok, key, compacted: outcome.compacted, ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.result ? { result: outcome.result } : {}) };
  };
  const { runs } = service;
  const key = (raw: string, agentId?: string) => canonicalKey(raw, agentId?.toLowerCase() ?? runs.config.defaultAgentId);
  const startRun = (sessionKey: string, agentId: string, message: string, runId: string, timeoutMs?: number, queueMode?: string) => {
    try {
      return runs.start({ runId, agentId, sessionKey, input: { role: "user", content: message }, channel: "webchat", timeoutMs, queueMode }, { deferConfigErrors: true });
    } catch (error) {
      throw gatewayError(error);
    }
  };
  const send = (method: string, params: unknown, queueMode?: string) => {
    const p = parseParams(method, SendParams, params);
    const parsed = key(p.key, p.agentId);
    const store = openStore(service);
    // Only an agent's main session comes into being by sending to it; others are created first.
    if (!store.get(parsed.key) && parsed.rest !== "main") throw new GatewayError("INVALID_REQUEST", `session not found: ${p.key}`);
    const runId = p.idempotencyKey ?? crypto.randomUUID();
    const { run, existing, interrupted } = startRun(parsed.key, parsed.agentId, p.message, runId, p.timeoutMs, queueMode);
    const out: Record<string, unknown> = { runId, status: existing ? (run.result ? run.result.status : "in_flight") : "started" };
    if (interrupted) out.interruptedActiveRun = true;
    return out;
  };

  return {
    "sessions.create": (params) => {
      const p = parseParams("sessions.create", CreateParams, params ?? {});
      const agentId = p.agentId?.toLowerCase() ?? runs.config.defaultAgentId;
      if (!runs.config.agents[agentId]) throw new GatewayError("INVALID_REQUEST", `unknown agent id "${agentId}"`, { details: { code: "UNKNOWN_AGENT_ID" } });
      const parsed = key(p.key ?? `session:${crypto.randomUUID()}`, agentId);
      const store = openStore(service);
      const { row, created } = store.ensure(parsed.key, parsed.agentId, "webchat");
      if (!created && !p.message) throw new GatewayError("INVALID_REQUEST", `session ${parsed.key} already exists`);
      const patched = store.patch(parsed.key, { label: p.label, modelOverride: p.model }) ?? row;
      if (created) runs.sessionsChanged(parsed.key, "create");
      const out: Record<string, unknown> = { ok: true, key: parsed.key, sessionId: patched.sessionId, entry: sessionRow(patched, runs.active(parsed.key)) };
      const first = p.message ?? p.task;
      if (first) {
        const runId = p.idempotencyKey ?? crypto.randomUUID();
        startRun(parsed.key, parsed.agentId, first, runId, p.timeoutMs);
        out.runStarted = true;
        out.runId = runId;
      }
      return out;
    },

    "sessions.send": (params) => send("sessions.send", params),

    "sessions.abort": (params) => {
      const p = parseParams("sessions.abort", AbortParams, params ?? {});
      let sessionKey = p.key ? key(p.key, p.agentId).key : undefined;
      if (!sessionKey && p.runId) sessionKey = runs.get(p.runId)?.sessionKey;
      if (!sessionKey) return { ok: true, abortedRunId: null, status: "no-active-run" };
      const target = p.runId ? runs.get(p.runId)?.runId : undefined;
      // Without clearQueued only the running run stops; the queued ones still run after it.
      const active = runs.active(sessionKey);
      const ids = p.clearQueued || target ? runs.abortSession(sessionKey, target) : active.length ? runs.abortSession(sessionKey, active[0]) : [];
      if (ids.length) runs.sessionsChanged(sessionKey, "abort");
      return { ok: true, abortedRunId: ids[0] ?? null, status: ids.length ? "aborted" : "no-active-run" };
    },

    "sessions.patch": (params) => {
      const p = parseParams("sessions.patch", PatchParams, params);
      const parsed = key(p.key, p.agentId);
      const store = openStore(service);
      const row = store.get(parsed.key);
      if (!row) throw new GatewayError("INVALID_REQUEST", `session not found: ${p.key}`);
      if (p.expectedSessionId && row.sessionId !== p.expectedSessionId) {
        throw new GatewayError("INVALID_REQUEST", `session ${parsed.key} changed (current sessionId ${row.sessionId})`, { details: { reason: "session-changed" } });
      }
      if (p.model) {
        // A model ref is checked against the config before it is stored.
        try {
          modelChain(runs.config, parsed.agentId, p.model);
        } catch (error) {
          throw gatewayError(error);
        }
      }
      const next = store.patch(parsed.key, { label: p.label, modelOverride: p.model, queueMode: p.queueMode })!;
      runs.sessionsChanged(parsed.key, "patch");
      return { ok: true, key: parsed.key, entry: { ...sessionRow(next, runs.active(parsed.key)), ...(next.queueMode ? { queueMode: next.queueMode } : {}) } };
    },

    "sessions.compact": (params) => {
      const p = parseParams("sessions.compact", CompactParams, params);
      const parsed = key(p.key, p.agentId);
      const store = openStore(service);
      if (!store.get(parsed.key)) return { ok: true, key: parsed.key, compacted: false, reason: "no sessionId" };
      if (store.messageCount(parsed.key) === 0) return { ok: true, key: parsed.key, compacted: false, reason: "no transcript" };
      if (runs.active(parsed.key).length) throw new GatewayError("INVALID_REQUEST", `Session ${parsed.key} has queued work; retry after it finishes.`);
      // Without maxLines the model writes a summary of the older part; with it, the newest maxLines are kept.
      if (p.maxLines === undefined) return summarize(parsed.key, parsed.agentId, store.get(parsed.key)?.modelOverride);
      const before = store.messageCount(parsed.key);
      if (before <= p.maxLines) return { ok: true, key: parsed.key, compacted: false, kept: before };
      const kept = store.compact(parsed.key, p.maxLines);
      runs.sessionsChanged(parsed.key, "compact");
      return { ok: true, key: parsed.key, compacted: true, kept };
    },

    "sessions.fork": (params) => {
      const p = parseParams("sessions.fork", ForkParams, params);
      const parsed = key(p.sessionKey, p.agentId);
      const store = openStore(service);
      const id = Number(p.entryId);
      const found = Number.isInteger(id) ? store.message(parsed.key, id) : undefined;
      if (!found) throw new GatewayError("INVALID_REQUEST", `entry ${p.entryId} not found in ${parsed.key}`);
      // Forking at a user message rewinds to just before it and hands its text back for editing.
      const forkKey = `agent:${parsed.agentId}:${parsed.rest}:fork:${crypto.randomUUID().slice(0, 8)}`;
      const beforeId = found.message.role === "user" ? id : id + 1;
      store.fork(parsed.key, forkKey, parsed.agentId, beforeId);
      runs.sessionsChanged(forkKey, "create");
      return { sessionKey: forkKey, ...(found.message.role === "user" ? { editorText: found.message.content } : {}) };
    },
  };
}

// The methods the reference's browser Control UI calls when it loads and on its Chat, Sessions and Agents
// panels: identity, chat startup/metadata, session subscriptions, describe, branches, auth status, pending
// approvals and usage. Shapes follow the reference's handlers (several have no published result schema).
import { z } from "zod";
import { listModels, resolveAgent } from "./config.ts";
import { chatHistory } from "./history.ts";
import { canonicalKey } from "./keys.ts";
import { gatewayError, openStore, type AgentsService } from "./methods-shared.ts";
import { historyMessage, sessionRow } from "./present.ts";
import type { SessionRow } from "./store.ts";
import { parseParams } from "../methods/_params.ts";
import type { MethodContext, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";

const IdentityParams = z.object({ agentId: z.string().optional(), sessionKey: z.string().optional() }).strict();
const StartupParams = z.union([
  z.object({ sessionKey: z.string().min(1), agentId: z.string().min(1).optional(), limit: z.number().int().min(1).max(1000).optional() }).loose(),
  z.object({ shortId: z.string().min(1), slugHint: z.string().min(1).optional(), agentId: z.string().min(1), limit: z.number().int().min(1).max(1000).optional() }).loose(),
]);
const MetadataParams = z.object({ agentId: z.string().min(1).optional(), authProfileId: z.string().min(1).max(256).optional(), sessionKey: z.string().min(1).optional() }).strict();
const SubscribeParams = z.object({}).loose();
const MessagesSubscribeParams = z.object({ key: z.string().min(1), agentId: z.string().min(1).optional(), includeApprovals: z.literal(true).optional() }).strict();
const MessagesUnsubscribeParams = z.object({ key: z.string().min(1), agentId: z.string().min(1).optional() }).strict();
const DescribeParams = z
  .object({ key: z.string().min(1), agentId: z.string().min(1).optional(), includeDerivedTitles: z.boolean().optional(), includeLastMessage: z.boolean().optional() })
  .strict();
const BranchesParams = z.object({ sessionKey: z.string().min(1), agentId: z.string().min(1).optional() }).strict();
const MessageGetParams = z
  .object({ sessionKey: z.string().min(1), agentId: z.string().min(1).optional(), messageId: z.string().min(1), maxChars: z.number().int().min(1).max(2_000_000).optional() })
  .strict();
const AuthStatusParams = z.object({ refresh: z.boolean().optional(), agentId: z.string().optional() }).strict();
const UsageParams = z
  .object({
    key: z.string().min(1).optional(),
    agentId: z.string().min(1).optional(),
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    limit: z.number().int().min(1).optional(),
  })
  .loose();

/** The reference's default assistant identity when neither config nor workspace names one. */
const DEFAULT_IDENTITY = { name: "Assistant", avatar: "A" };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function usageTotals(input: number, output: number, total: number): Record<string, number> {
  return { input, output, cacheRead: 0, cacheWrite: 0, totalTokens: total, totalCost: 0, inputCost: 0, outputCost: 0, cacheReadCost: 0, cacheWriteCost: 0, missingCostEntries: 0 };
}

export function sessionMethods(service: AgentsService): MethodFamily {
  const { runs } = service;
  const key = (raw: string, agentId?: string) => canonicalKey(raw, agentId?.toLowerCase() ?? runs.config.defaultAgentId);
  const agentOf = (id: string | undefined) => {
    try {
      return resolveAgent(runs.config, id);
    } catch (error) {
      throw gatewayError(error);
    }
  };

  return {
    "agent.identity.get": (params) => {
      const p = parseParams("agent.identity.get", IdentityParams, params ?? {});
      const agentId = p.sessionKey ? key(p.sessionKey, p.agentId).agentId : (p.agentId?.trim().toLowerCase() || runs.config.defaultAgentId);
      const agent = agentOf(agentId);
      const entry = Object.entries(runs.config.raw.entries).find(([id]) => id.toLowerCase() === agent.id)?.[1] as { name?: string; emoji?: string; avatar?: string } | undefined;
      const named = entry?.name?.trim();
      const emoji = entry?.emoji?.trim() || undefined;
      return {
        agentId: agent.id,
        name: named || DEFAULT_IDENTITY.name,
        nameSource: named ? "agent" : "default",
        avatar: entry?.avatar?.trim() || emoji || DEFAULT_IDENTITY.avatar,
        ...(emoji ? { emoji } : {}),
      };
    },

    "chat.startup": (params, ctx: MethodContext) => {
      const p = parseParams("chat.startup", StartupParams, params);
      if (!("sessionKey" in p)) {
        // Short ids are the reference's share links; this gateway has none, so the link resolves to nothing.
        service.subscriptions.subscribeSessions(ctx.caller.connId);
        return { resolution: { ok: false } };
      }
      const parsed = key(String(p.sessionKey), p.agentId as string | undefined);
      agentOf(parsed.agentId);
      return chatHistory(service, parsed.key, p.limit ?? 200);
    },

    "chat.metadata": (params) => {
      const p = parseParams("chat.metadata", MetadataParams, params ?? {});
      const agentId = p.sessionKey ? key(p.sessionKey, p.agentId).agentId : (p.agentId?.toLowerCase() ?? runs.config.defaultAgentId);
      agentOf(agentId);
      const models = listModels(runs.config).map((m) => ({ id: m.id, name: m.name, provider: m.provider }));
      return { agentId, models, commands: [], ts: Date.now() };
    },

    "sessions.subscribe": (params, ctx: MethodContext) => {
      parseParams("sessions.subscribe", SubscribeParams, params ?? {});
      service.subscriptions.subscribeSessions(ctx.caller.connId);
      return { subscribed: true };
    },

    "sessions.unsubscribe": (_params, ctx: MethodContext) => {
      service.subscriptions.unsubscribeSessions(ctx.caller.connId);
      return { subscribed: false };
    },

    "sessions.messages.subscribe": (params, ctx: MethodContext) => {
      const p = parseParams("sessions.messages.subscribe", MessagesSubscribeParams, params);
      const parsed = key(p.key, p.agentId);
      agentOf(parsed.agentId);
      service.subscriptions.subscribeMessages(ctx.caller.connId, parsed.key);
      const out: Record<string, unknown> = { subscribed: true, key: parsed.key };
      if (p.includeApprovals) out.approvalReplay = service.approvals.list().filter((a) => a.request.sessionKey === parsed.key);
      return out;
    },

    "sessions.messages.unsubscribe": (params, ctx: MethodContext) => {
      const p = parseParams("sessions.messages.unsubscribe", MessagesUnsubscribeParams, params);
      const parsed = key(p.key, p.agentId);
      service.subscriptions.unsubscribeMessages(ctx.caller.connId, parsed.key);
      return { subscribed: false, key: parsed.key };
    },

    "sessions.describe": (params) => {
      const p = parseParams("sessions.describe", DescribeParams, params);
      const parsed = key(p.key, p.agentId);
      const store = openStore(service);
      const row = store.get(parsed.key);
      if (!row) throw new GatewayError("INVALID_REQUEST", `session not found: ${parsed.key}`);
      const session: Record<string, unknown> = sessionRow(row, runs.active(parsed.key));
      if (p.includeLastMessage) {
        const last = store.history(parsed.key, 1)[0];
        if (last) session.lastMessage = historyMessage(last);
      }
      return { ok: true, key: parsed.key, session };
    },

    "sessions.branches.list": (params) => {
      const p = parseParams("sessions.branches.list", BranchesParams, params);
      const parsed = key(p.sessionKey, p.agentId);
      const store = openStore(service);
      const row = store.get(parsed.key);
      const count = row ? store.messageCount(parsed.key) : 0;
      if (!row || count === 0) return { branches: [] };
      // Transcripts here are linear: one branch, the current one, whose leaf is the newest message.
      const leaf = store.history(parsed.key, 1)[0]!;
      const firstUser = store.history(parsed.key, Math.min(count, 50)).find((m) => m.role === "user");
      const headline = (firstUser?.content ?? leaf.content).slice(0, 120);
      return { branches: [{ leafEntryId: String(leaf.id), headline, messageCount: count, updatedAt: new Date(row.updatedAt).toISOString(), active: true }] };
    },

    "chat.message.get": (params) => {
      const p = parseParams("chat.message.get", MessageGetParams, params);
      const parsed = key(p.sessionKey, p.agentId);
      const id = Number(p.messageId);
      const found = Number.isInteger(id) ? openStore(service).message(parsed.key, id) : undefined;
      if (!found) return { ok: false, unavailableReason: "not_found" };
      const message = found.message;
      if (p.maxChars && message.content.length > p.maxChars) message.content = message.content.slice(0, p.maxChars);
      return { ok: true, message: historyMessage(message) };
    },

    "models.authStatus": (params) => {
      const p = parseParams("models.authStatus", AuthStatusParams, params ?? {});
      if (p.agentId) agentOf(p.agentId);
      // Each provider's credential state, never the credential: configured or missing, and where it came from.
      const providers = Object.entries(runs.config.providers).map(([provider, cfg]) => {
        // A SecretRef key counts as configured: the gateway refused to start (or reload) if it did not resolve.
        const hasKey = typeof cfg.apiKey === "object" || (typeof cfg.apiKey === "string" && cfg.apiKey.trim() !== "" && !/^\$\{[^}]*\}$/.test(cfg.apiKey.trim()));
        return { provider, status: hasKey ? "ok" : "missing", profiles: [], ...(hasKey ? { source: "config", type: "api_key" } : {}) };
      });
      return { ts: Date.now(), providers };
    },

    "usage.status": () => ({ updatedAt: Date.now(), providers: [] }),

    "sessions.usage": (params) => {
      const p = parseParams("sessions.usage", UsageParams, params ?? {});
      const store = openStore(service);
      const now = Date.now();
      let rows: SessionRow[];
      if (p.key) {
        const row = store.get(key(p.key, p.agentId).key);
        rows = row ? [row] : [];
      } else rows = store.list({ agentId: p.agentId?.toLowerCase(), limit: Math.min(p.limit ?? 1000, 10_000) }).rows;
      const sessions = rows.map((row) => ({
        key: row.key,
        label: row.label ?? undefined,
        sessionId: row.sessionId,
        scope: "instance",
        updatedAt: row.updatedAt,
        agentId: row.agentId,
        channel: row.channel ?? undefined,
        modelProvider: row.modelProvider ?? undefined,
        model: row.model ?? undefined,
        usage: usageTotals(row.inputTokens, row.outputTokens, row.totalTokens),
        hasContextWeight: false,
      }));
      const totals = usageTotals(0, 0, 0);
      for (const s of sessions) {
        totals.input! += s.usage.input!;
        totals.output! += s.usage.output!;
        totals.totalTokens! += s.usage.totalTokens!;
      }
      const byModel = store.usageByModel(p.key ? key(p.key, p.agentId).key : undefined).map((m) => ({
        provider: m.provider ?? undefined,
        model: m.model ?? undefined,
        count: m.count,
        totals: usageTotals(m.input, m.output, m.total),
      }));
      const oldest = rows.reduce((min, r) => Math.min(min, r.createdAt), now);
      return { updatedAt: now, startDate: p.startDate ?? day(oldest), endDate: p.endDate ?? day(now), sessions, totals, aggregates: { byModel }, creatorOptions: [] };
    },
  };
}

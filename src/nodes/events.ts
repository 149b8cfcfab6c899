// `node.event`: what a node reports and the gateway acts on, as the reference does — a voice transcript or an
// agent request starts an agent turn, a phone notification or a system.run's exec.* becomes a system event for the
// next turn (and asks for one), chat.subscribe lets the node follow a session's chat, presence and host stats are
// kept. Anything else is acknowledged as `unsupported_event`.
import type { AgentsService, DeliveryTarget } from "../agents/methods-shared.ts";
import { canonicalKey } from "../agents/keys.ts";
import type { AutomationsService } from "../automations/surface.ts";
import type { DevicesService } from "../devices/surface.ts";
import type { NodeRegistry } from "./registry.ts";
import type { ChatFollowers, ExecAuthorizations } from "./session-links.ts";
import { validHostStats, validPresenceActivity } from "./event-payloads.ts";

/** Longest text a transcript or agent request may carry (the reference's). */
export const MAX_NODE_MESSAGE_CHARS = 20_000;
const VOICE_DEDUPE_MS = 1500;
const MAX_VOICE_KEYS = 200;
const PRESENCE_PERSIST_MS = 60_000;
const ALIVE_REASONS = new Set(["background", "silent_push", "bg_app_refresh", "significant_location", "manual", "connect"]);

export type NodeEventResult = { ok: true; event?: string; handled?: boolean; reason?: string };

export interface NodeEventDeps {
  registry: NodeRegistry;
  devices: DevicesService;
  agents?: AgentsService;
  automations?: AutomationsService;
  chat: ChatFollowers;
  exec: ExecAuthorizations;
  config(): Record<string, unknown>;
  /** Sends an event to read-scoped operators. */
  broadcast(event: string, payload: unknown): void;
  log: { info(message: string): void; warn(message: string): void };
  now(): number;
}

export interface NodeEventSource {
  nodeId: string;
  connId: string;
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const int = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : undefined);
const compact = (raw: string, max: number) => {
  const text = raw.replace(/\s+/g, " ").trim();
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
};
const unhandled = (event: string, reason: string): NodeEventResult => ({ ok: true, event, handled: false, reason });
const handled = (event: string, reason: string): NodeEventResult => ({ ok: true, event, handled: true, reason });

/** The event's object: `payloadJSON` when sent (the reference's wire form), else `payload` as it came, never re-serialized. */
function parseObject(payload: unknown, payloadJSON: string | undefined): Record<string, unknown> | null {
  let value = payload;
  if (payloadJSON !== undefined) {
    if (!payloadJSON) return null;
    try {
      value = JSON.parse(payloadJSON);
    } catch {
      return null;
    }
  }
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

/** The node.event dispatcher of one gateway generation (dedupe and throttle state live here). */
/** One node.event as the node sent it: `payloadJSON` wins over `payload` when both are there. */
export type NodeEventDispatch = (source: NodeEventSource, event: string, payload: unknown, payloadJSON: string | undefined) => Promise<NodeEventResult>;

export function nodeEventHandler(deps: NodeEventDeps): NodeEventDispatch {
  const recentVoice = new Map<string, { fingerprint: string; ts: number }>();
  const presencePersistedAt = new Map<string, number>();
  const defaultAgent = () => deps.agents?.runs.config.defaultAgentId ?? "main";
  const key = (raw: string | undefined) => canonicalKey(raw, defaultAgent());

  /** Starts an agent turn for a node; failures are logged (the node already got its answer). */
  const startTurn = (nodeId: string, sessionKey: string, message: string, options: { timeoutMs?: number; deliver?: DeliveryTarget } = {}) => {
    const agents = deps.agents;
    if (!agents) return deps.log.warn(`node event turn skipped node=${nodeId}: agents unavailable`);
    const parsed = key(sessionKey);
    try {
      const { run, existing } = agents.runs.start({ runId: crypto.randomUUID(), agentId: parsed.agentId, sessionKey: parsed.key, input: { role: "user", content: message }, channel: "node", timeoutMs: options.timeoutMs });
      const target = options.deliver;
      if (target && agents.delivery && !existing) {
        void run.done.then((r) => (r.status === "ok" && r.text.trim() ? agents.delivery!.deliver(target, r.text) : undefined)).catch((error) => deps.log.warn(`agent delivery failed node=${nodeId}: ${(error as Error).message}`));
      }
    } catch (error) {
      deps.log.warn(`agent failed node=${nodeId}: ${(error as Error).message}`);
    }
  };

  /** Queues a system event on a session and asks for that agent's next turn. */
  const systemEvent = (nodeId: string, sessionKey: string, text: string, source: string) => {
    if (!deps.automations) return deps.log.warn(`node system event dropped node=${nodeId}: automations unavailable`);
    const parsed = key(sessionKey);
    // Queued before the node gets its answer, so any turn of that session from now on carries it.
    deps.automations.systemEvents.enqueue(parsed.key, { text, mode: "now", ts: deps.now(), source });
    void deps.automations.requestTurn(parsed.agentId, source).catch((error) => deps.log.warn(`node system event: turn not scheduled node=${nodeId}: ${(error as Error).message}`));
  };

  const voiceDuplicate = (sessionKey: string, obj: Record<string, unknown>, text: string, now: number): boolean => {
    const eventId = str(obj.eventId) ?? str(obj.providerEventId) ?? str(obj.transcriptId);
    const callId = str(obj.providerCallId) ?? str(obj.callId);
    const seq = int(obj.sequence) ?? int(obj.seq);
    const ts = int(obj.timestamp) ?? int(obj.ts) ?? int(obj.eventTimestamp);
    const fingerprint = eventId ? `event:${eventId}` : callId && seq !== undefined ? `call-seq:${callId}:${seq}` : callId && ts !== undefined ? `call-ts:${callId}:${ts}` : ts !== undefined ? `timestamp:${ts}|text:${text}` : `text:${text}`;
    const previous = recentVoice.get(sessionKey);
    if (previous && previous.fingerprint === fingerprint && now - previous.ts <= VOICE_DEDUPE_MS) return true;
    recentVoice.delete(sessionKey);
    recentVoice.set(sessionKey, { fingerprint, ts: now });
    while (recentVoice.size > MAX_VOICE_KEYS) recentVoice.delete(recentVoice.keys().next().value!);
    return false;
  };

  return async (source, event, payload, payloadJSON) => {
    const { nodeId, connId } = source;
    const ok: NodeEventResult = { ok: true };
    switch (event) {
      case "voice.transcript": {
        const obj = parseObject(payload, payloadJSON);
        const text = str(obj?.text);
        if (!obj || !text || text.length > MAX_NODE_MESSAGE_CHARS) return ok;
        const sessionKey = key(str(obj.sessionKey)).key;
        if (voiceDuplicate(sessionKey, obj, text, deps.now())) return ok;
        startTurn(nodeId, sessionKey, text);
        return ok;
      }
      case "agent.request": {
        const link = parseObject(payload, payloadJSON);
        const message = str(link?.message);
        if (!link || !message || message.length > MAX_NODE_MESSAGE_CHARS) return ok;
        const sessionKey = str(link.sessionKey) ?? `node-${nodeId}`;
        const channel = str(link.channel);
        const to = str(link.to);
        const wantsDelivery = link.deliver === true;
        const target = wantsDelivery && to && deps.agents?.delivery ? { channel, to } : undefined;
        if (wantsDelivery && !target) deps.log.warn(`agent delivery disabled node=${nodeId}: missing session delivery route (channel=${channel ?? "-"} to=${to ?? "-"})`);
        if (link.receipt === true && target) {
          const receipt = str(link.receiptText) ?? "Just received your iOS share + request, working on it.";
          void deps.agents!.delivery!.deliver(target, receipt).catch((error) => deps.log.warn(`agent receipt failed node=${nodeId}: ${(error as Error).message}`));
        }
        const timeoutSeconds = typeof link.timeoutSeconds === "number" && link.timeoutSeconds > 0 ? link.timeoutSeconds : undefined;
        startTurn(nodeId, sessionKey, message, { timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined, deliver: target });
        return ok;
      }
      case "notifications.changed": {
        const obj = parseObject(payload, payloadJSON);
        const change = str(obj?.change)?.toLowerCase();
        const noteKey = str(obj?.key);
        if (!obj || (change !== "posted" && change !== "removed") || !noteKey) return ok;
        let summary = `Notification ${change} (node=${nodeId} key=${noteKey}`;
        const pkg = str(obj.packageName);
        if (pkg) summary += ` package=${pkg}`;
        summary += ")";
        const parts = [compact(str(obj.title) ?? "", 120), compact(str(obj.text) ?? "", 120)].filter(Boolean);
        if (change === "posted" && parts.length > 0) summary += `: ${parts.join(" - ")}`;
        systemEvent(nodeId, str(obj.sessionKey) ?? "main", summary, "notifications-event");
        return ok;
      }
      case "chat.subscribe":
      case "chat.unsubscribe": {
        const sessionKey = str(parseObject(payload, payloadJSON)?.sessionKey);
        if (!sessionKey || deps.registry.get(nodeId)?.connId !== connId) return ok;
        if (event === "chat.subscribe") {
          if (!deps.chat.subscribe(connId, key(sessionKey).key)) deps.log.warn(`chat subscription refused node=${nodeId}: too many subscriptions`);
        } else deps.chat.unsubscribe(connId, key(sessionKey).key);
        return ok;
      }
      case "exec.started":
      case "exec.finished":
      case "exec.denied": {
        const obj = parseObject(payload, payloadJSON);
        if (!obj) return ok;
        const sessionKey = str(obj.sessionKey) ?? `node-${nodeId}`;
        const runId = str(obj.runId) ?? "";
        if (!deps.exec.authorize({ nodeId, connId, runId, sessionKey, terminal: event !== "exec.started" })) return unhandled(event, "unmatched_exec_event");
        const exec = (deps.config().tools as { exec?: { notifyOnExit?: unknown } } | undefined)?.exec;
        if (exec?.notifyOnExit === false || obj.suppressNotifyOnExit === true || event === "exec.denied") return ok;
        const command = str(obj.command) ?? "";
        let text: string;
        if (event === "exec.started") text = `Exec started (node=${nodeId} id=${runId})${command ? `: ${command}` : ""}`;
        else {
          const exitCode = typeof obj.exitCode === "number" && Number.isFinite(obj.exitCode) ? obj.exitCode : undefined;
          const timedOut = obj.timedOut === true;
          const output = compact(str(obj.output) ?? "", 180);
          if (!(timedOut || exitCode !== 0 || output.length > 0)) return ok;
          text = `Exec finished (node=${nodeId} id=${runId}, ${timedOut ? "timeout" : `code ${exitCode ?? "?"}`})${output ? `\n${output}` : ""}`;
        }
        systemEvent(nodeId, sessionKey, text, "exec-event");
        return ok;
      }
      case "node.host.stats": {
        const stats = parseObject(payload, payloadJSON);
        if (!stats || !validHostStats(stats)) return unhandled(event, "invalid_payload");
        const live = deps.registry.get(nodeId);
        if (!live || live.connId !== connId) return unhandled(event, "stale_connection");
        live.hostStats = { ...stats, updatedAtMs: deps.now() };
        (await deps.devices.store()).touch(nodeId, { lastHostStats: live.hostStats });
        deps.broadcast("node.hostStats", { nodeId, hostStats: live.hostStats });
        return handled(event, "updated");
      }
      case "node.presence.activity": {
        const obj = parseObject(payload, payloadJSON);
        if (!obj || !validPresenceActivity(obj)) return unhandled(event, "invalid_payload");
        const live = deps.registry.get(nodeId);
        if (!live || live.connId !== connId) return unhandled(event, "stale_connection");
        if ("action" in obj) {
          const had = live.lastActiveAtMs !== undefined;
          live.lastActiveAtMs = live.presenceUpdatedAtMs = undefined;
          if (had) deps.broadcast("node.presence", { nodeId, lastActiveAtMs: null, presenceUpdatedAtMs: null });
          return handled(event, had ? "cleared" : "already_clear");
        }
        const macApp = live.client.connect.client.id === "openclaw-macos" && /^(?:darwin|macos(?: \d+(?:\.\d+){0,2})?)$/i.test(live.client.connect.client.platform ?? "");
        const permitted = obj.source === "app" ? macApp : (live.client.connect.permissions as Record<string, unknown> | undefined)?.accessibility === true;
        if (!permitted) return unhandled(event, "permission_required");
        const now = deps.now();
        live.lastActiveAtMs = Math.max(0, now - (obj.idleSeconds as number) * 1000);
        live.presenceUpdatedAtMs = now;
        deps.broadcast("node.presence", { nodeId, lastActiveAtMs: live.lastActiveAtMs, presenceUpdatedAtMs: now });
        return handled(event, "updated");
      }
      case "node.presence.alive": {
        const obj = parseObject(payload, payloadJSON);
        if (!obj) return unhandled(event, "invalid_payload");
        const now = deps.now();
        if (now - (presencePersistedAt.get(nodeId) ?? -Infinity) < PRESENCE_PERSIST_MS) return handled(event, "throttled");
        const trigger = str(obj.trigger)?.toLowerCase();
        const updated = (await deps.devices.store()).touch(nodeId, { lastSeenAtMs: now, lastSeenReason: trigger && ALIVE_REASONS.has(trigger) ? trigger : "background" });
        if (!updated) return unhandled(event, "pairing_changed");
        presencePersistedAt.delete(nodeId);
        presencePersistedAt.set(nodeId, now);
        while (presencePersistedAt.size > 1024) presencePersistedAt.delete(presencePersistedAt.keys().next().value!);
        return handled(event, "persisted");
      }
      default:
        return unhandled(event, "unsupported_event");
    }
  };
}

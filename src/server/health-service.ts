import type { AutomationsSummary, GatewayRuntime, HeartbeatSummary } from "../methods/types.ts";
import { HEALTH_REFRESH_INTERVAL_MS } from "../protocol/constants.ts";

/** The reference's default heartbeat prompt (reference-docs/gateway/heartbeat.md), sent verbatim as the user turn. */
export const DEFAULT_HEARTBEAT_PROMPT =
  "Follow the heartbeat monitor scratch context when provided. Recurring tasks are automations; create or change their schedules with the automations tool, not heartbeat scratch. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply NO_REPLY.";
/** An acknowledgement with at most this many other characters stays silent (fixed in the reference). */
export const HEARTBEAT_ACK_MAX_CHARS = 300;

/** Without the automations feature no heartbeat runs: reported as the reference reports a disabled one. */
const DISABLED_HEARTBEAT: HeartbeatSummary = { agentId: "main", enabled: false, every: "disabled", everyMs: null, prompt: DEFAULT_HEARTBEAT_PROMPT, target: "owner", ackMaxChars: HEARTBEAT_ACK_MAX_CHARS };

/** The default agent's cadence in seconds (the reference's top-level `heartbeatSeconds`; 1800 when none runs). */
function heartbeatSeconds(automations: AutomationsSummary | undefined): number {
  const own = automations?.heartbeats.find((h) => h.agentId === automations.defaultAgentId);
  return own?.everyMs ? Math.round(own.everyMs / 1000) : 1800;
}

type HealthInputs = Pick<GatewayRuntime, "eventLoop" | "summary" | "config">;

/** Keeps the `health` payload cached; a refresh recomputes it and tells `onRefresh` (which broadcasts). */
export class HealthService {
  #cached: Record<string, unknown> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inputs: HealthInputs;
  #onRefresh: (payload: Record<string, unknown>) => void;

  constructor(inputs: HealthInputs, onRefresh: (payload: Record<string, unknown>) => void) {
    this.#inputs = inputs;
    this.#onRefresh = onRefresh;
  }

  start(): void {
    this.refresh();
    this.#timer = setInterval(() => this.refresh(), HEALTH_REFRESH_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The last snapshot (computed once if none yet). */
  current(): Record<string, unknown> {
    return this.#cached ?? this.refresh();
  }

  /** Recomputes, caches and announces the snapshot. */
  refresh(): Record<string, unknown> {
    const started = performance.now();
    const { sessions, channels, channelLabels, automations } = this.#inputs.summary();
    const reloadMode = this.#inputs.config().config.gateway?.reload?.mode ?? "hybrid";
    const sessionInfo = { path: sessions.path, count: sessions.count, recent: [] };
    const payload: Record<string, unknown> = {
      ok: true,
      ts: Date.now(),
      durationMs: 0,
      plugins: { loaded: [], errors: [], unavailable: [] },
      configReload: { hotReloadStatus: reloadMode === "off" ? "off" : "active" },
      channels,
      channelOrder: Object.keys(channels),
      channelLabels,
      heartbeatSeconds: heartbeatSeconds(automations),
      defaultAgentId: automations?.defaultAgentId ?? "main",
      agents: (automations?.heartbeats ?? [DISABLED_HEARTBEAT]).map(({ agentId, ...heartbeat }) => ({
        agentId,
        isDefault: agentId === (automations?.defaultAgentId ?? "main"),
        heartbeat,
        sessions: sessionInfo,
      })),
      sessions: sessionInfo,
      modelRuntime: { degraded: false, pendingAgents: [] },
      eventLoop: this.#inputs.eventLoop(),
    };
    payload.durationMs = Math.round(performance.now() - started);
    this.#cached = payload;
    this.#onRefresh(payload);
    return payload;
  }
}

/** The health payload as events and hello-ok carry it: without `modelRuntime` (spec §2.5, §4). */
export function healthForBroadcast(payload: Record<string, unknown>): Record<string, unknown> {
  const { modelRuntime: _omit, ...rest } = payload;
  return rest;
}

import type { MethodFamily } from "./types.ts";

/** `status`: runtime facts (version, pid, memory, uptime) plus summaries of what exists now. */
export const statusMethods: MethodFamily = {
  status: (_params, { gateway }) => {
    const memory = process.memoryUsage();
    const { sessions, channels, channelLabels, automations } = gateway.summary();
    return {
      runtimeVersion: gateway.version,
      runtime: { name: "bun", version: process.versions.bun ?? "unknown", platform: process.platform, arch: process.arch },
      pid: process.pid,
      bootId: gateway.bootId,
      uptimeMs: Date.now() - gateway.startedAt,
      hostDesktop: { enabled: false, state: "off", port: null },
      heartbeat: {
        defaultAgentId: automations?.defaultAgentId ?? "main",
        agents: automations
          ? automations.heartbeats.map((h) => ({ agentId: h.agentId, enabled: h.enabled, every: h.every, everyMs: h.everyMs }))
          : [{ agentId: "main", enabled: false, every: "30m", everyMs: 1_800_000, waitingForRoute: true }],
      },
      channelSummary: channelLines(channels, channelLabels),
      queuedSystemEvents: automations?.queuedSystemEvents ?? [],
      degradedSecretOwners: [],
      degradedPlugins: [],
      tasks: {
        total: 0,
        active: 0,
        terminal: 0,
        failures: 0,
        byStatus: { queued: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, cancelled: 0, lost: 0 },
        byRuntime: { subagent: 0, acp: 0, cli: 0, cron: 0 },
      },
      taskAudit: { total: 0, warnings: 0, errors: 0, byCode: {} },
      sessions: {
        paths: sessions.count > 0 ? [sessions.path] : [],
        count: sessions.count,
        defaults: { model: null, contextTokens: null },
        recent: [],
        byAgent: [{ agentId: "main", path: "[redacted]", count: sessions.count, recent: [] }],
      },
      modelRuntime: { degraded: false, pendingAgents: [] },
      eventLoop: gateway.eventLoop(),
      processMemory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
        arrayBuffersBytes: memory.arrayBuffers,
      },
      workerPools: {},
      shutdownBudget: { timeoutMs: 5000, reserveMs: 1000, nativeStopBudget: 0, activeWork: {}, writeCustody: [] },
    };
  },
};

/** `channelSummary`: one line per linked channel, as the reference prints it (`Telegram: configured`). */
function channelLines(channels: Record<string, unknown>, labels: Record<string, string>): string[] {
  return Object.entries(channels).map(([id, value]) => {
    const entry = (value ?? {}) as { configured?: boolean; enabled?: boolean };
    const label = labels[id] ?? id;
    return `${label}: ${entry.enabled === false ? "disabled" : entry.configured ? "configured" : "not configured"}`;
  });
}

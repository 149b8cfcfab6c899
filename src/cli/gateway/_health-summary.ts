// Human output of `openclaw health` (the reference's layout): connection details with --verbose, channel
// lines, agents, heartbeat cadence and session stores.
import type { GatewayTarget } from "../../client/target.ts";
import { formatDuration, formatHealthChannelLines } from "./_health-format.ts";
import { painter } from "./_style.ts";

type Rec = Record<string, unknown>;

export function renderHealthSummary(payload: unknown, options: { verbose: boolean; color: boolean; target: GatewayTarget }): string {
  const paint = painter(options.color);
  const health = rec(payload);
  const lines: string[] = [];
  if (options.verbose) {
    lines.push(paint("info", "Gateway connection:"));
    lines.push(`  Gateway target: ${options.target.url}`, `  Source: ${options.target.urlSource}`, `  Config: ${options.target.paths.configPath}`);
    if (typeof health.durationMs === "number") lines.push(`  Probe: ${health.durationMs}ms`);
  }
  lines.push(...formatHealthChannelLines(health));
  const agents = Array.isArray(health.agents) ? (health.agents as Rec[]) : [];
  const defaultAgentId = typeof health.defaultAgentId === "string" ? health.defaultAgentId : undefined;
  const shown = options.verbose ? agents : agents.filter((a) => a.agentId === defaultAgentId);
  if (agents.length > 0) {
    lines.push(paint("info", `Agents: ${agents.map((a) => (a.isDefault ? `${a.agentId} (default)` : String(a.agentId))).join(", ")}`));
  }
  const heartbeats = shown.map((a) => {
    const everyMs = rec(a.heartbeat).everyMs;
    return `${typeof everyMs === "number" && everyMs > 0 ? formatDuration(everyMs) : "disabled"} (${a.agentId})`;
  });
  if (heartbeats.length > 0) lines.push(paint("info", `Heartbeat interval: ${heartbeats.join(", ")}`));
  if (shown.length === 0) {
    const sessions = rec(health.sessions);
    if (sessions.path !== undefined) lines.push(paint("info", `Session store: ${sessions.path} (${sessions.count ?? 0} entries)`));
  }
  for (const agent of shown) {
    const sessions = rec(agent.sessions);
    lines.push(paint("info", `Session store (${agent.agentId}): ${sessions.path ?? "unknown"} (${sessions.count ?? 0} entries)`));
  }
  if (lines.length === 0) lines.push(`${paint("success", "OK")}${typeof health.durationMs === "number" ? ` (${health.durationMs}ms)` : ""}`);
  return lines.join("\n");
}

function rec(value: unknown): Rec {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Rec) : {};
}

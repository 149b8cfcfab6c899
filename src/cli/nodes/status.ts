import { defineCommand } from "citty";
import { parseDuration } from "../../automations/schedule.ts";
import { CliError } from "../context.ts";
import { table } from "../devices/_rpc.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import type { NodeRow } from "./_resolve.ts";

// `openclaw nodes status`: every known node (paired or connected) in one table with its connection, approval,
// capabilities and live detail (client, permissions, host stats), as the reference prints it; --json is node.list.

/** The reference's relative age: just now, 5m ago, 3h ago (below two days), 4d ago. */
function ago(ms: number): string {
  const minutes = Math.round(Math.round(ms / 1000) / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.round(hours / 24)}d ago`;
}

/** `core v1.2` for desktop hosts, `ui v1.2` for app nodes (the reference's reading of a bare `version`). */
function versions(n: NodeRow): string | null {
  const label = (v: string) => (/^\d/.test(v) ? `v${v}` : v);
  const core = typeof n.coreVersion === "string" && n.coreVersion.trim() ? n.coreVersion.trim() : undefined;
  const ui = typeof n.uiVersion === "string" && n.uiVersion.trim() ? n.uiVersion.trim() : undefined;
  const legacy = typeof n.version === "string" && n.version.trim() ? n.version.trim() : undefined;
  const desktop = ["darwin", "linux", "win32", "windows"].includes(String(n.platform ?? "").toLowerCase());
  const parts = core || ui ? [core && `core ${label(core)}`, ui && `ui ${label(ui)}`] : legacy ? [desktop ? `core ${label(legacy)}` : `ui ${label(legacy)}`] : [];
  return parts.filter(Boolean).join(" · ") || null;
}

/** Binary byte sizes with GB/TB labels, one decimal below 10. */
function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `load 3.2/24 · mem 151/192 GB · disk 1.2 TB free`, with the age of a saved snapshot when offline. */
export function hostStatsSummary(stats: any, connected: boolean, now: number): string | null {
  if (!stats || typeof stats.cpuCount !== "number" || typeof stats.memoryTotalBytes !== "number") return null;
  const total = bytes(stats.memoryTotalBytes);
  const unit = total.slice(total.lastIndexOf(" "));
  const used = bytes(stats.memoryTotalBytes - stats.memoryFreeBytes);
  const parts = [
    Array.isArray(stats.loadAverage) ? `load ${Number(stats.loadAverage[0]).toFixed(1)}/${stats.cpuCount}` : null,
    `mem ${used.endsWith(unit) ? used.slice(0, -unit.length) : used}/${total}`,
    typeof stats.diskAvailableBytes === "number" ? `disk ${bytes(stats.diskAvailableBytes)} free` : null,
  ].filter(Boolean).join(" · ");
  return connected || typeof stats.updatedAtMs !== "number" ? parts : `${parts} (last known ${ago(Math.max(0, now - stats.updatedAtMs))})`;
}

const permissions = (raw: unknown) => {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const entries = Object.entries(raw).filter(([k]) => k.trim()).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? `[${entries.map(([k, v]) => `${k}=${v === true ? "yes" : "no"}`).join(", ")}]` : null;
};

export default defineCommand({
  meta: { name: "status", description: "List known nodes with connection status and capabilities" },
  args: {
    connected: { type: "boolean", description: "Only show connected nodes" },
    "last-connected": { type: "string", description: "Only show nodes connected within duration (e.g. 24h)" },
    ...nodeArgs,
  },
  run: (context) =>
    runNodes(context, "status", async (call, args, _ctx, json) => {
      const raw = args["last-connected"];
      const sinceMs = raw === undefined ? undefined : parseDuration(String(raw));
      if (raw !== undefined && (sinceMs === undefined || sinceMs <= 0)) throw new CliError(`Invalid --last-connected: ${String(raw)}`);
      const result = await call<{ ts?: number; nodes: NodeRow[] }>("node.list", {});
      const now = Date.now();
      const nodes = result.nodes.filter((n) => {
        if (args.connected && !n.connected) return false;
        const last = (n.lastConnectedAtMs ?? n.connectedAtMs) as number | undefined;
        return sinceMs === undefined || (typeof last === "number" && now - last <= sinceMs);
      });
      if (json) return { ...result, ts: result.ts ?? now, nodes };
      const filtered = nodes.length !== result.nodes.length ? ` (of ${result.nodes.length})` : "";
      const lines = [`Known: ${nodes.length}${filtered} · Paired: ${nodes.filter((n) => n.paired).length} · Connected: ${nodes.filter((n) => n.connected).length}`];
      if (nodes.length === 0) return lines;
      const rows = nodes.map((n) => {
        const client = [n.clientId, n.clientMode].filter(Boolean).join("/");
        const detail = [
          client ? `client: ${client}` : null,
          n.deviceFamily ? `device: ${n.deviceFamily}` : null,
          n.modelIdentifier ? `hw: ${n.modelIdentifier}` : null,
          permissions(n.permissions) ? `perms: ${permissions(n.permissions)}` : null,
          versions(n),
          hostStatsSummary(n.hostStats, Boolean(n.connected), now),
          typeof n.lastActiveAtMs === "number" ? `input: ${ago(Math.max(0, now - n.lastActiveAtMs))}` : null,
        ].filter(Boolean).join(" · ");
        const since = typeof n.connectedAtMs === "number" ? ` (${ago(Math.max(0, now - n.connectedAtMs))})` : "";
        const approval = n.approvalState === "approved" ? " · approved" : n.approvalState ? ` · ${String(n.approvalState).replace(/-/g, " ")}` : "";
        const caps = Array.isArray(n.caps) ? n.caps.map(String).filter(Boolean).sort().join(", ") : "?";
        return [String(n.displayName ?? n.nodeId), n.nodeId, String(n.remoteIp ?? ""), detail, `${n.paired ? "paired" : "unpaired"} · ${n.connected ? "connected" : "disconnected"}${since}${approval}`, caps];
      });
      return [...lines, ...table(["Node", "ID", "IP", "Detail", "Status", "Caps"], rows)];
    }),
});

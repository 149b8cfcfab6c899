import { defineCommand } from "citty";
import { parseDuration } from "../../automations/schedule.ts";
import { ago, hostStatsSummary, nodeVersions } from "../../nodes/status-text.ts";
import { CliError } from "../context.ts";
import { table } from "../_table.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import type { NodeRow } from "./_resolve.ts";

// `openclaw nodes status`: every known node (paired or connected) in one table with its connection, approval,
// capabilities and live detail (client, permissions, host stats), as the reference prints it; --json is node.list.

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
          nodeVersions(n),
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

import { defineCommand } from "citty";
import { table } from "../_table.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import type { NodeRow } from "./_resolve.ts";

// `openclaw nodes list`: pending node requests (node.pair.list) and paired nodes with their live state (node.list).
export default defineCommand({
  meta: { name: "list", description: "List pending and paired nodes" },
  args: { connected: { type: "boolean", description: "Only show connected nodes" }, ...nodeArgs },
  run: (context) =>
    runNodes(context, "list", async (call, args, _ctx, json) => {
      const { pending } = await call<{ pending: unknown[] }>("node.pair.list", {});
      const { nodes } = await call<{ nodes: NodeRow[] }>("node.list", {});
      const paired = nodes.filter((n) => n.paired && (!args.connected || n.connected));
      if (json) return { pending, paired };
      const lines = [`Pending: ${pending.length} · Paired: ${paired.length}`];
      if (paired.length > 0) lines.push(...table(["Node", "ID", "Platform", "Version", "Connected"], paired.map((n) => [String(n.displayName ?? n.nodeId), n.nodeId, String(n.platform ?? ""), String(n.version ?? ""), n.connected ? "yes" : "no"])));
      return lines;
    }),
});

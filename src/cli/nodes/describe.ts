import { defineCommand } from "citty";
import { required } from "../devices/_rpc.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import { resolveNodeId, type NodeRow } from "./_resolve.ts";

// `openclaw nodes describe --node <idOrNameOrIp>` (node.describe).
export default defineCommand({
  meta: { name: "describe", description: "Describe a node (capabilities + supported invoke commands)" },
  args: { node: { type: "string", description: "Node id, name, or IP", valueHint: "idOrNameOrIp" }, ...nodeArgs },
  run: (context) =>
    runNodes(context, "describe", async (call, args, _ctx, json) => {
      const { nodes } = await call<{ nodes: NodeRow[] }>("node.list", {});
      const node = await call<any>("node.describe", { nodeId: resolveNodeId(nodes, required(args, "node", "--node")) });
      if (json) return node;
      return [
        `Node: ${node.displayName ?? node.nodeId}`,
        `ID: ${node.nodeId}`,
        `Platform: ${node.platform ?? "unknown"}${node.version ? ` · ${node.version}` : ""}`,
        `Status: ${node.paired ? "paired" : "unpaired"} · ${node.connected ? "connected" : "disconnected"}`,
        `Caps: ${(node.caps ?? []).join(", ") || "-"}`,
        `Commands: ${(node.commands ?? []).join(", ") || "-"}`,
      ];
    }),
});

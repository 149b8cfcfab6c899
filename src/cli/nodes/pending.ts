import { defineCommand } from "citty";
import { table } from "../_table.ts";
import { nodeArgs, runNodes } from "./_call.ts";

// `openclaw nodes pending`: pending node pairing requests (node.pair.list); --json prints the array.
export default defineCommand({
  meta: { name: "pending", description: "List pending pairing requests" },
  args: nodeArgs,
  run: (context) =>
    runNodes(context, "pending", async (call, _args, _ctx, json) => {
      const { pending } = await call<{ pending: any[] }>("node.pair.list", {});
      if (json) return pending;
      if (pending.length === 0) return ["No pending pairing requests."];
      return [`Pending (${pending.length})`, ...table(["Request", "Node", "Platform", "IP"], pending.map((p) => [p.requestId, p.displayName ?? p.nodeId, p.platform ?? "", p.remoteIp ?? ""]))];
    }),
});

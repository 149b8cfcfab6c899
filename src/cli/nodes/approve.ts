import { defineCommand } from "citty";
import { required } from "../devices/_rpc.ts";
import { nodeArgs, runNodes } from "./_call.ts";

// `openclaw nodes approve <requestId>` (node.pair.approve); prints the result as JSON, as the reference does.
export default defineCommand({
  meta: { name: "approve", description: "Approve a pending pairing request" },
  args: { requestId: { type: "positional", description: "Pending request id", required: false }, ...nodeArgs },
  run: (context) => runNodes(context, "approve", (call, args) => call("node.pair.approve", { requestId: required(args, "requestId", "<requestId>") })),
});

import { defineCommand } from "citty";
import { CliError } from "../context.ts";
import { parseTimeoutMs } from "../gateway/_rpc.ts";
import { required } from "../devices/_rpc.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import { resolveNodeId, type NodeRow } from "./_resolve.ts";

// Shell execution goes through the exec tool, never a raw invoke (the reference's rule).
const BLOCKED = new Set(["system.run", "system.run.prepare"]);

// `openclaw nodes invoke --node <id> --command <cmd> [--params JSON]` (node.invoke); prints the result as JSON.
export default defineCommand({
  meta: { name: "invoke", description: "Invoke a command on a paired node" },
  args: {
    node: { type: "string", description: "Node id, name, or IP", valueHint: "idOrNameOrIp" },
    command: { type: "string", description: "Command (e.g. system.which)", valueHint: "command" },
    params: { type: "string", description: "JSON object string for params (default {})", valueHint: "json" },
    "invoke-timeout": { type: "string", description: "Node invoke timeout in ms (default 15000)", valueHint: "ms" },
    "idempotency-key": { type: "string", description: "Idempotency key (optional)", valueHint: "key" },
    ...nodeArgs,
  },
  run(context) {
    const invokeTimeout = parseTimeoutMs(context.args["invoke-timeout"], 15_000, "--invoke-timeout");
    return runNodes(
      context,
      "invoke",
      async (call, args) => {
        const command = required(args, "command", "--command");
        if (BLOCKED.has(command.toLowerCase())) throw new CliError(`command "${command}" is reserved for shell execution; use the exec tool with host=node instead`);
        let params: unknown = {};
        if (typeof args.params === "string" && args.params.trim() !== "") {
          try {
            params = JSON.parse(args.params);
          } catch {
            throw new CliError("--params must be a JSON object");
          }
          if (params === null || typeof params !== "object" || Array.isArray(params)) throw new CliError("--params must be a JSON object");
        }
        const key = args["idempotency-key"];
        if (key === "") throw new CliError("--idempotency-key must not be empty.");
        const { nodes } = await call<{ nodes: NodeRow[] }>("node.list", {});
        const nodeId = resolveNodeId(nodes, required(args, "node", "--node"));
        return call("node.invoke", { nodeId, command, params, idempotencyKey: typeof key === "string" ? key : crypto.randomUUID(), timeoutMs: invokeTimeout });
      },
      invokeTimeout + 10_000,
    );
  },
});

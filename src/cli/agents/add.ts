import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { agentsCall } from "./_call.ts";

// `openclaw agents add <name>`: a new agent with its own workspace (`agents.create`).
export default defineCommand({
  meta: { name: "add", description: "Add an agent with its own workspace" },
  args: {
    name: { type: "positional", description: "Agent name (its id is derived from it)", required: true },
    workspace: { type: "string", description: "Workspace folder (default <state>/workspace-<id>)", valueHint: "dir" },
    model: { type: "string", description: "Model as provider/model", valueHint: "id" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  run(context) {
    const { args } = context;
    const params: Record<string, unknown> = { name: String(args.name) };
    if (typeof args.workspace === "string" && args.workspace) params.workspace = args.workspace;
    if (typeof args.model === "string" && args.model) params.model = args.model;
    return agentsCall(cliContext(context), args, "agents.create", params, (p) => `Added agent ${p.agentId} (workspace ${p.workspace})`);
  },
});

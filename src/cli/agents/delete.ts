import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { agentsCall } from "./_call.ts";

// `openclaw agents delete <id>`: removes the agent from config (`agents.delete`); --delete-files moves its workspace to the trash.
export default defineCommand({
  meta: { name: "delete", description: "Delete an agent (its workspace stays unless --delete-files)" },
  args: {
    id: { type: "positional", description: "Agent id", required: true },
    "delete-files": { type: "boolean", description: "Move the agent's workspace to <state>/trash" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  run(context) {
    const { args } = context;
    return agentsCall(cliContext(context), args, "agents.delete", { agentId: String(args.id), deleteFiles: Boolean(args["delete-files"]) }, (p) => `Deleted agent ${p.agentId}`);
  },
});

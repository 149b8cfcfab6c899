import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { agentsCall } from "./_call.ts";

// `openclaw agents list`: the gateway's agents (`agents.list`), default first.
export default defineCommand({
  meta: { name: "list", description: "List the configured agents" },
  args: { ...targetArgs, ...timeoutArg(10_000), ...jsonArg },
  run(context) {
    return agentsCall(cliContext(context), context.args, "agents.list", {}, (p) =>
      p.agents
        .map((a: any) => `${a.id}${a.id === p.defaultId ? " (default)" : ""}${a.name ? `  ${a.name}` : ""}${a.model?.primary ? `  ${a.model.primary}` : ""}${a.workspace ? `  ${a.workspace}` : ""}`)
        .join("\n"),
    );
  },
});

import { defineCommand } from "citty";
import { addPattern, approvalsPath, readApprovals, removePattern } from "../../agents/tools/allowlist.ts";
import { profilePaths } from "../config/_shared.ts";
import { cliContext, CliError } from "../context.ts";

/** `openclaw approvals allowlist add|remove <pattern> [--agent id]`: edits this host's exec allowlist. */
export function allowlistCommand(action: "add" | "remove") {
  return defineCommand({
    meta: { name: action, description: `${action === "add" ? "Add a pattern to" : "Remove a pattern from"} the exec allowlist` },
    args: {
      pattern: { type: "positional", description: "Executable name, path or glob (e.g. /usr/bin/uptime)", required: true },
      agent: { type: "string", description: 'Agent id (default "*": every agent)', valueHint: "id" },
      json: { type: "boolean", description: "Print the approvals file afterwards as JSON" },
    },
    run(context) {
      const ctx = cliContext(context);
      const pattern = String(context.args.pattern).trim();
      if (!pattern) throw new CliError("pattern is empty");
      const agent = typeof context.args.agent === "string" && context.args.agent ? context.args.agent.toLowerCase() : "*";
      const file = approvalsPath(profilePaths(ctx).stateDir);
      if (action === "add") addPattern(file, agent, pattern);
      else removePattern(file, agent, pattern);
      ctx.out(context.args.json ? JSON.stringify(readApprovals(file), null, 2) : `${action === "add" ? "Allowed" : "Removed"} ${pattern} for agent ${agent}`);
      return 0;
    },
  });
}

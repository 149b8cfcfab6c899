import { defineCommand } from "citty";
import { approvalsPath, readApprovals } from "../../agents/tools/allowlist.ts";
import { execSettings } from "../../agents/tools/exec.ts";
import { loadConfig } from "../../config/load.ts";
import { profilePaths } from "../config/_shared.ts";
import { cliContext } from "../context.ts";

// `openclaw approvals get`: this host's exec policy per agent (tools.exec.mode) and its allowlists.
export default defineCommand({
  meta: { name: "get", description: "Show the exec policy and allowlists of this host" },
  args: { json: { type: "boolean", description: "Print JSON" } },
  run(context) {
    const ctx = cliContext(context);
    const paths = profilePaths(ctx);
    const file = approvalsPath(paths.stateDir);
    const approvals = readApprovals(file);
    const config = loadConfig(paths, ctx.env).config as Record<string, any>;
    const agents = ["main", ...Object.keys(config.agents?.entries ?? {}).map((id) => id.toLowerCase()).filter((id) => id !== "main")];
    const effective = Object.fromEntries(agents.map((id) => [id, { ...execSettings(config, id), allowlist: [...(approvals.agents["*"]?.allowlist ?? []), ...(approvals.agents[id]?.allowlist ?? [])] }]));
    if (context.args.json) {
      ctx.out(JSON.stringify({ path: file, file: approvals, effective }, null, 2));
      return 0;
    }
    ctx.out(`Approvals file: ${file}`);
    for (const [id, e] of Object.entries(effective)) {
      ctx.out(`${id}: mode ${e.mode}${e.askAlways ? " (ask always)" : ""}, approval timeout ${Math.round(e.approvalTimeoutMs / 1000)}s`);
      for (const entry of e.allowlist) ctx.out(`  allow ${entry.pattern}${entry.source ? ` (${entry.source})` : ""}`);
    }
    return 0;
  },
});

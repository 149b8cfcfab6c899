import { defineCommand } from "citty";
import { cliContext } from "../context.ts";

/**
 * `openclaw secrets apply --from <plan.json> [--dry-run] [--allow-exec] [--json]`: the plan contract; a bad plan,
 * a ref that does not resolve or an invalid result exits 1 and changes nothing.
 */
export default defineCommand({
  meta: { name: "apply", description: "Apply a secrets plan: write SecretRefs (and provider changes) into the config" },
  args: {
    from: { type: "string", description: "Path to the plan JSON (max 16 MiB)", required: true },
    "dry-run": { type: "boolean", description: "Validate and preflight only; write nothing (exec refs skipped unless --allow-exec)" },
    "allow-exec": { type: "boolean", description: "Allow exec SecretRef checks (may run provider commands); required to write a plan with exec refs" },
    json: { type: "boolean", description: "Print the result as JSON" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const dryRun = Boolean(args["dry-run"]);
    const { readPlanFile } = await import("./_plan.ts");
    const { applyPlan } = await import("./_apply.ts");
    let result;
    try {
      const plan = readPlanFile(String(args.from));
      result = await applyPlan(plan, { profile: ctx.profile, env: ctx.env, write: !dryRun, allowExec: Boolean(args["allow-exec"]) });
    } catch (error) {
      const message = (error as Error).message;
      if (args.json) ctx.out(JSON.stringify({ ok: false, error: { message } }, null, 2));
      ctx.err(`Secrets apply failed: ${message}. Re-run \`openclaw secrets apply --from <path> --dry-run\` to inspect the plan without writing.`);
      return 1;
    }
    if (args.json) ctx.out(JSON.stringify(result, null, 2));
    else if (dryRun) {
      ctx.out(result.changed ? `Secrets apply dry run: ${result.changedFiles.length} file(s) would change.` : "Secrets apply dry run: no changes.");
      if (result.skippedExecRefs > 0) ctx.out(`Secrets apply dry-run note: skipped ${result.skippedExecRefs} exec SecretRef resolvability check(s). Re-run with --allow-exec to execute exec providers during dry-run.`);
    } else ctx.out(result.changed ? `Secrets applied. Updated ${result.changedFiles.length} file(s).` : "Secrets apply: no changes.");
    return 0;
  },
});

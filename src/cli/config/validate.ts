import { defineCommand } from "citty";
import { inspectConfig } from "../../config/load.ts";
import { cliContext } from "../context.ts";
import { profilePaths } from "./_shared.ts";

export default defineCommand({
  meta: { name: "validate", description: "Validate the config file and list every problem" },
  args: {
    json: { type: "boolean", description: "Print { ok, path, exists, issues } as JSON" },
  },
  run(context) {
    const ctx = cliContext(context);
    const inspection = inspectConfig(profilePaths(ctx), ctx.env);
    const ok = inspection.issues.length === 0;
    if (context.args.json) {
      ctx.out(JSON.stringify({ ok, path: inspection.paths.configPath, exists: inspection.exists, issues: inspection.issues }, null, 2));
      return ok ? 0 : 1;
    }
    if (ok) {
      ctx.out(
        inspection.exists
          ? `Config valid: ${inspection.paths.configPath}`
          : `No config file at ${inspection.paths.configPath}; defaults apply (valid).`,
      );
      return 0;
    }
    // A syntax error has one issue whose message already carries file:line:col.
    if (inspection.error?.code === "EPARSE" || inspection.error?.code === "EREAD") {
      ctx.err(`Config invalid: ${inspection.error.message}`);
      return 1;
    }
    ctx.err(`Config invalid: ${inspection.paths.configPath}`);
    for (const issue of inspection.issues) ctx.err(`  ${issue.path}: ${issue.message}`);
    return 1;
  },
});

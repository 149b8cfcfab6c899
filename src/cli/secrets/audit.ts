import { defineCommand } from "citty";
import { cliContext } from "../context.ts";

/**
 * `openclaw secrets audit [--check] [--json] [--allow-exec]`: plaintext secrets in the config and in the installed
 * service's unit file, and refs that do not resolve. Exit 2 on unresolved refs, 1 with --check on findings.
 */
export default defineCommand({
  meta: { name: "audit", description: "Find plaintext secrets in config and service unit files, and SecretRefs that do not resolve" },
  args: {
    check: { type: "boolean", description: "Exit 1 when anything is found (CI gate)" },
    "allow-exec": { type: "boolean", description: "Also resolve exec refs (runs their provider commands)" },
    json: { type: "boolean", description: "Print the report as JSON" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const { auditSecrets } = await import("./_audit.ts");
    const report = await auditSecrets({ profile: ctx.profile, env: ctx.env, allowExec: Boolean(context.args["allow-exec"]) });
    if (context.args.json) ctx.out(JSON.stringify(report, null, 2));
    else {
      for (const f of report.findings) ctx.out(`${f.code}  ${f.file}  ${f.path}${f.message ? `  (${f.message})` : ""}`);
      const s = report.summary;
      ctx.out(`Secrets audit: ${report.status} (${s.plaintextCount} plaintext, ${s.unresolvedRefCount} unresolved, ${report.resolution.refsChecked} ref(s) checked${report.resolution.skippedExecRefs ? `, ${report.resolution.skippedExecRefs} exec ref(s) skipped; pass --allow-exec` : ""})`);
    }
    if (report.status === "unresolved") return 2;
    return context.args.check && report.status === "findings" ? 1 : 0;
  },
});

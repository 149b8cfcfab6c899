import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { inspectConfig } from "../../config/load.ts";
import { resolveProfilePaths } from "../../config/paths.ts";
import { cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, timeoutArg } from "../gateway/_rpc.ts";
import { painter } from "../gateway/_style.ts";
import { runChecks, type Finding } from "./_checks.ts";

// `openclaw doctor [--fix]`: config valid, state dir 0700 and config file 0600, port free or owned by this
// profile's gateway (waiting for /readyz while it starts), token strength, the installed service and its
// drift (binary moved, port changed in config but not in the unit, …), log dir writable. --fix repairs
// permissions, a missing log directory and a drifted service (rewritten as `gateway install --force`
// would, unless OPENCLAW_SERVICE_REPAIR_POLICY=external), and says what it changed.
export default defineCommand({
  meta: { name: "doctor", description: "Check config, permissions, port, token, service and log dir (exit 1 when a check fails)" },
  args: {
    fix: { type: "boolean", description: "Apply the safe repairs (permissions, missing log directory, rewrite a drifted service)" },
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const json = Boolean(args.json);
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const paths = resolveProfilePaths(ctx.profile, { env: ctx.env });
    const inspection = inspectConfig(paths, ctx.env);
    const paint = painter(ctx.color);
    if (!json) ctx.out(paint("heading", "OpenClaw doctor"));
    const findings = await runChecks({ inspection, env: ctx.env, profile: ctx.profile, dev: ctx.dev, deadline, say: (line) => (json ? ctx.err(line) : ctx.out(line)) });
    const changes: string[] = [];
    const results: { finding: Finding; fixed: boolean }[] = [];
    // One after the other: a service rewrite must not race the permission repairs of the same state dir.
    for (const finding of findings) {
      if (!args.fix || !finding.repair) {
        results.push({ finding, fixed: false });
        continue;
      }
      try {
        changes.push(await finding.repair());
        results.push({ finding, fixed: true });
      } catch (error) {
        const e = error as { message?: string; hint?: string };
        const hint = e?.hint ? ` ${e.hint}` : "";
        results.push({ finding: { ...finding, message: `${finding.message} (repair failed: ${e?.message ?? String(error)}${hint})` }, fixed: false });
      }
    }
    const failed = results.some((r) => r.finding.status === "fail" && !r.fixed);
    if (json) {
      ctx.out(JSON.stringify({
        ok: !failed,
        checks: results.map(({ finding, fixed }) => ({ id: finding.id, status: fixed ? "fixed" : finding.status, message: finding.message, fix: finding.fix ?? null })),
        changes,
      }, null, 2));
      return failed ? 1 : 0;
    }
    const tone = { ok: "success", warn: "warn", fail: "error", info: "muted", fixed: "success" } as const;
    for (const { finding, fixed } of results) {
      const status = fixed ? "fixed" : finding.status;
      ctx.out(`${paint(tone[status], `[${status}]`.padEnd(7))} ${finding.id}: ${finding.message}`);
      if (!fixed && finding.fix && finding.status !== "ok") ctx.out(`        fix: ${finding.fix}${finding.repair ? " (or run `openclaw doctor --fix`)" : ""}`);
    }
    for (const change of changes) ctx.out(`Changed: ${change}`);
    const count = (s: Finding["status"]) => results.filter((r) => !r.fixed && r.finding.status === s).length;
    ctx.out(`Summary: ${count("ok")} ok, ${count("warn")} warnings, ${count("fail")} failures${changes.length > 0 ? `, ${changes.length} fixed` : ""}`);
    return failed ? 1 : 0;
  },
});

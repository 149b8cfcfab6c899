import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { CliError, cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./_rpc.ts";
import { gatherStatus } from "./_status-gather.ts";

// `openclaw gateway status`: the service view (the supervisor's runtime, the unit and its ExecStart, drift)
// plus a connectivity probe — `cli/probe`, closed right after hello-ok; with --require-rpc a
// `gateway-client/backend` connection that must answer `status` (spec §5). The two are reported separately
// (`Runtime:` from the supervisor, `Connectivity probe:` from RPC). Works with an invalid config.
export default defineCommand({
  meta: { name: "status", description: "Show the gateway service plus a connectivity probe (exit 1 only with --require-rpc when RPC fails)" },
  args: {
    ...targetArgs,
    ...timeoutArg(10_000),
    probe: { type: "boolean", default: true, description: "Probe the gateway over WebSocket; --no-probe gives the service-only view", negativeDescription: "Skip the connectivity probe (service-only view)" },
    deep: { type: "boolean", description: "Also scan for other gateway-like services (system-level units, LaunchDaemons, other profiles)" },
    "require-rpc": { type: "boolean", description: "Also require a read RPC (status) to succeed; exit 1 if it fails" },
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const requireRpc = Boolean(args["require-rpc"]);
    if (requireRpc && args.probe === false) throw new CliError("--require-rpc cannot be combined with --no-probe");
    const target = targetFromArgs(ctx, args, { tolerateInvalidConfig: true, allowUrlWithoutCredentials: true });
    const report = await gatherStatus(target, { probe: args.probe !== false, requireRpc, deep: Boolean(args.deep), deadline, profile: ctx.profile, env: ctx.env });
    if (args.json) ctx.out(JSON.stringify(report, null, 2));
    else {
      const { renderGatewayStatus } = await import("./_status-format.ts");
      const { out, err } = renderGatewayStatus(report, ctx.color);
      for (const line of out) ctx.out(line);
      for (const line of err) ctx.err(line);
    }
    return requireRpc && !report.rpc?.ok ? 1 : 0;
  },
});

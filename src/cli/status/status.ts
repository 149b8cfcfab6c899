import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetFromArgs, timeoutArg } from "../gateway/_rpc.ts";
import { gatherStatus } from "./_gather.ts";

// `openclaw status`: the local summary (gateway reachability and mode, config path, sessions and channels
// counts, service state from the supervisor). Connections exactly as the reference (spec §5): none on a cold start; else a
// `cli/probe` presence probe, `gateway-client/backend` → `status`, and (not with --all) `cli/cli` → `health`.
export default defineCommand({
  meta: { name: "status", description: "Local summary: gateway reachability and mode, config, sessions, channels, service (exit 0 when the report is produced; --deep: 1 when the live probe fails)" },
  args: {
    all: { type: "boolean", description: "Full diagnosis (adds gateway self and the raw target resolution)" },
    deep: { type: "boolean", description: "Also request a live channel health probe" },
    ...timeoutArg(60_000),
    verbose: { type: "boolean", description: "Print the gateway target resolution first" },
    debug: { type: "boolean", description: "Alias for --verbose" },
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 60_000));
    const target = targetFromArgs(ctx, {}, { tolerateInvalidConfig: true, allowUrlWithoutCredentials: true });
    const report = await gatherStatus(target, { all: Boolean(args.all), deep: Boolean(args.deep), deadline, env: ctx.env, profile: ctx.profile });
    // As the reference: the plain report succeeds whatever it says (reachability is part of it), but
    // --deep asked for a live probe, so a gateway that could not give one fails the command.
    const deepFailed = Boolean(args.deep) && report.health === null;
    if (args.json) {
      ctx.out(JSON.stringify(report, null, 2));
      return deepFailed ? 1 : 0;
    }
    const { renderStatus } = await import("./_format.ts");
    ctx.out(renderStatus(report, { color: ctx.color, all: Boolean(args.all), verbose: Boolean(args.verbose || args.debug) }));
    if (!deepFailed) return 0;
    ctx.err(`Deep health probe failed: ${report.gateway.error ?? (report.gateway.reachable ? "the gateway did not answer health" : `gateway not reachable at ${report.gateway.url}`)}`);
    return 1;
  },
});

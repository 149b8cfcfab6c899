import { defineCommand } from "citty";
import { Deadline } from "../client/deadline.ts";
import { callTarget } from "../client/session.ts";
import type { GatewayTarget } from "../client/target.ts";
import { cliContext } from "./context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./gateway/_rpc.ts";

// `openclaw health`: the gateway's health snapshot over RPC (never a direct channel socket). `--verbose`
// forces a live refresh (`health {probe:true}`) and adds the connection details.
export default defineCommand({
  meta: { name: "health", description: "Fetch a health snapshot from the running gateway (exit 0 ok, 1 failure)" },
  args: {
    ...targetArgs,
    ...timeoutArg(60_000),
    verbose: { type: "boolean", description: "Force a live probe and print connection details and every agent" },
    debug: { type: "boolean", description: "Alias for --verbose" },
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 60_000));
    const json = Boolean(args.json);
    const verbose = Boolean(args.verbose || args.debug);
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      const { payload } = await callTarget(target, "health", {
        params: verbose ? { probe: true } : undefined,
        deadline,
      });
      if (json) {
        ctx.out(JSON.stringify(payload, null, 2));
        return 0;
      }
      const { renderHealthSummary } = await import("./gateway/_health-summary.ts");
      ctx.out(renderHealthSummary(payload, { verbose, color: ctx.color, target }));
      return 0;
    } catch (error) {
      const { reportFailure } = await import("./gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Health check failed" });
    }
  },
});

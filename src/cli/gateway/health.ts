import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./_rpc.ts";

// `openclaw gateway health`: one `cli/cli` connection, one `health` request without params (spec §5).
export default defineCommand({
  meta: { name: "health", description: "Fetch the running gateway's health over WebSocket RPC (exit 0 ok, 1 failure)" },
  args: { ...targetArgs, ...timeoutArg(10_000), ...jsonArg },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const json = Boolean(args.json);
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      const { payload } = await callTarget(target, "health", {
        deadline,
      });
      if (json) {
        ctx.out(JSON.stringify(payload, null, 2));
        return 0;
      }
      // Formatting loads only now, after the gateway answered (field lessons: socket before formatting).
      const { renderGatewayHealth } = await import("./_health-format.ts");
      ctx.out(renderGatewayHealth(payload, ctx.color));
      return 0;
    } catch (error) {
      const { reportFailure } = await import("./_failure.ts");
      return reportFailure(ctx, error, { json, target });
    }
  },
});
